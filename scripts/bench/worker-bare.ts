/**
 * The baseline: a Worker that answers each benchmarked route with the JSON the real Worker
 * answers, but with no auth, no validation and no database. It still builds its answer from an
 * object on every request (JSON.stringify, a Response), so what the ratio to it measures is the
 * app's own work. The route is named by the X-Bench-Route header every benchmark request carries;
 * the answers come as one JSON binding, parsed once per isolate.
 */
interface BareEnv {
  BENCH_ANSWERS: string;
}

/** `headers`: the app's own answer headers, with `--bare-headers`; else the JSON's Content-Type only. */
type Answers = Record<string, { status: number; body: unknown; headers?: [string, string][] }>;
let answers: Answers | undefined;

export default {
  async fetch(request, env) {
    answers ??= JSON.parse(env.BENCH_ANSWERS) as Answers;
    const answer = answers[request.headers.get('X-Bench-Route') ?? ''];
    if (!answer) return new Response('unknown X-Bench-Route', { status: 400 });
    return Response.json(answer.body, { status: answer.status, ...(answer.headers ? { headers: answer.headers } : {}) });
  },
} satisfies ExportedHandler<BareEnv>;
