import { Validator } from '@cfworker/json-schema';
import document from '../../src/openapi/openapi.json';

/**
 * Holds every answer the Worker gives in the test suites to the OpenAPI document: the route
 * and status must be documented and the body must validate against the documented schema. So
 * the document cannot drift from what the code really answers.
 */
interface Operation {
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
const paths = document.paths as unknown as Record<string, Record<string, Operation>>;

const routes = Object.entries(paths).map(([template, operations]) => ({
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  operations,
}));

const validators = new Map<object, Validator>();
function validatorFor(schema: object): Validator {
  let validator = validators.get(schema);
  if (!validator) {
    // The components ride along so that #/components/schemas/... references resolve.
    validator = new Validator({ ...schema, components: document.components } as never, '2020-12', false);
    validators.set(schema, validator);
  }
  return validator;
}

const errorSchema = { $ref: '#/components/schemas/Error' };

/** Throws when `res` is not what the document promises for `method path`. */
export async function assertDocumented(method: string, url: string, res: Response): Promise<void> {
  if (method === 'OPTIONS' || res.status === 204) return; // CORS preflights carry no body
  const path = new URL(url).pathname;
  const route = routes.find((r) => r.pattern.test(path));
  // HEAD is answered as GET without the body (Hono does so for every GET route).
  const operation = route?.operations[method === 'HEAD' ? 'get' : method.toLowerCase()];
  let schema: object | undefined;
  if (operation) {
    const response = operation.responses[String(res.status)];
    if (!response) throw new Error(`OpenAPI: ${method} ${path} answered ${res.status}, which the document does not list`);
    schema = response.content?.['application/json']?.schema;
  } else if (res.status === 404 || res.status === 405) {
    schema = errorSchema; // unknown routes and methods: the error envelope
  } else {
    throw new Error(`OpenAPI: ${method} ${path} is not in the document`);
  }
  if (!schema || method === 'HEAD') return;
  const body: unknown = await res.clone().json();
  const result = validatorFor(schema).validate(body);
  if (!result.valid) {
    const detail = result.errors.map((e) => `${e.instanceLocation}: ${e.error}`).slice(-3).join('; ');
    throw new Error(`OpenAPI: ${method} ${path} ${res.status} body does not match the document: ${detail}\n${JSON.stringify(body).slice(0, 500)}`);
  }
}
