/**
 * Child processes of the example tests: a server that prints its URL when ready, and a command run
 * to completion. Each is stopped by its pid, and also when this test process exits, so a failing
 * test leaves nothing running.
 */
import { execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../../..');

export interface RunningServer {
  url: string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

/** Starts `command` and resolves with the first `http://…` URL it prints on a line matching `ready`. */
export function startServer(command: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<RunningServer> {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', killOnExit);
  };

  return new Promise((resolvePromise, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = output.split('\n').find((line) => ready.test(line))?.match(/https?:\/\/\S+/)?.[0];
      if (url) resolvePromise({ url, stop });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code} before it was ready:\n${output}`)));
  });
}

export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` to completion (killed after 30 s); a non-zero exit is returned, not thrown. */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(command, args, { cwd: root, env, timeout: 30_000 }, (err, stdout, stderr) => {
      process.off('exit', killOnExit);
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      if (code === null) reject(new Error(`${command} could not run or was killed: ${err?.message}\n${stderr}`));
      else resolvePromise({ code, stdout, stderr });
    });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
  });
}
