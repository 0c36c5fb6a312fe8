// `omsagg serve` as a child process for the reliability tests (from the sources through tsx, as
// test/server/serve.test.ts does): waits for the listening line, exposes the base URL, the output
// and the exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServeProcess {
  child: ChildProcess;
  base: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  output(): string;
  /** SIGKILL if still running (test cleanup) */
  kill(): void;
}

export async function startServe(env: Record<string, string>, args: string[] = [], timeoutMs = 60_000): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', "import { main } from './src/cli.ts'; process.exitCode = await main(process.argv.slice(1));", 'serve', '--port', '0', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  const proc = { child, exited, output: () => out, kill: () => (child.exitCode === null && child.signalCode === null ? void child.kill('SIGKILL') : undefined) };
  const t0 = Date.now();
  let base = '';
  let done = false;
  void exited.then(() => (done = true));
  while (!base && !done && Date.now() - t0 < timeoutMs) {
    const m = /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
    if (m) base = m[1];
    else await new Promise((r) => setTimeout(r, 50));
  }
  if (!base) {
    proc.kill();
    throw new Error(`omsagg serve did not start:\n${out.slice(-3000)}`);
  }
  return { ...proc, base };
}
