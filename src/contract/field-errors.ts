/**
 * zod issues as the API's field errors: one entry per offending field (the first problem found
 * with it) with a message a person can act on. Imports only zod, so the main site's client
 * (client/) words its local validation errors exactly as the Worker does.
 */
import * as z from 'zod/mini';

/** One offending input field: a dotted path into the request ("vps.cpu") and what is wrong with it. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * `value` parsed with `schema`: its output, or every offending field in this module's wording.
 * The wording is passed as the parse's own error map, which zod ranks below a message the schema
 * chose and above its global configuration: an application that also loads classic zod (which
 * installs zod's English locale globally) must not change what the Worker or the client says.
 */
export function parseFields<S extends z.ZodMiniType>(
  schema: S,
  value: unknown,
  prefix: string[] = [],
): { success: true; data: z.output<S> } | { success: false; errors: FieldError[] } {
  const result = z.safeParse(schema, value, { reportInput: true, error: (issue) => describe(issue as z.core.$ZodIssue) });
  return result.success ? { success: true, data: result.data } : { success: false, errors: fieldErrors(result.error.issues, prefix) };
}

/** One entry per offending field (the first problem found with it), with a message a person can act on. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[], prefix: string[] = []): FieldError[] {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) byField.set(fieldName([...path, key]), 'is not a known field');
      continue;
    }
    const field = fieldName(path);
    if (!byField.has(field)) byField.set(field, describe(issue));
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}

const fieldName = (path: string[]) => (path.length ? path.join('.') : 'body');

const TYPE_NAMES: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  object: 'a JSON object',
  boolean: 'true or false',
  array: 'an array',
};

function describe(issue: z.core.$ZodIssue): string {
  // A message the schema chose wins; zod's generic "Invalid input" is replaced below.
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_small':
      if (issue.origin === 'string') return issue.minimum === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      return `must be at most ${issue.maximum}`;
    // A missing enum field, or a missing `action` (the discriminator of a union), is missing like any other.
    case 'invalid_value':
      if (issue.input === undefined) return 'is required';
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_union':
      if (issue.discriminator !== undefined && (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator] === undefined) return 'is required';
      if ('options' in issue && Array.isArray(issue.options)) return `must be one of: ${issue.options.join(', ')}`;
      return 'is not valid';
    default:
      return 'is not valid';
  }
}
