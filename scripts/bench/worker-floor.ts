/**
 * The floor under the app: Hono (hono/tiny, as the app) answering each benchmarked route with the
 * app's own answer, JSON and headers alike, set the way the app sets them (c.header, then c.json)
 * and with no auth, no validation, no database and no log. What the app costs beyond it is its own
 * work; what this costs beyond the bare Worker is the framework and the answer's headers. The
 * route is named by X-Bench-Route; the answers come as one JSON binding, parsed once per isolate.
 */
import { Hono } from 'hono/tiny';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

interface FloorEnv {
  BENCH_ANSWERS: string;
}

type Answers = Record<string, { status: ContentfulStatusCode; body: unknown; headers: [string, string][] }>;
let answers: Answers | undefined;

const app = new Hono<{ Bindings: FloorEnv }>();
app.all('*', (c) => {
  answers ??= JSON.parse(c.env.BENCH_ANSWERS) as Answers;
  const answer = answers[c.req.header('X-Bench-Route') ?? ''];
  if (!answer) return c.text('unknown X-Bench-Route', 400);
  for (const [name, value] of answer.headers) if (name !== 'content-type') c.header(name, value);
  return c.json(answer.body, answer.status);
});

export default app satisfies ExportedHandler<FloorEnv>;
