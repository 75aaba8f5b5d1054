// Twofold as its own process (`node --import tsx src/main.ts`) on a fixed port and data folder,
// so a test can SIGKILL it and start it again on the same store, as an operator's machine would.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

/** A port nothing listens on, the bench's own. */
export { freePort } from '../../bench/servers.js';

export interface ChildServer {
  process: ChildProcess;
  issuer: string;
  /** Everything it printed. */
  output(): string;
  /** SIGKILL, and wait for the process to be gone. */
  kill(): Promise<void>;
}

/** Lines of a server's output that report a fault: an error-level line, a stack, an unhandled rejection. */
export const faultLines = (output: string) => output.split('\n').filter((line) => /\bERROR\b|"level":\s*(50|60)|Unhandled|^\s+at .+:\d+:\d+\)?$/.test(line));

export async function startChild(env: Record<string, string>, port: number): Promise<ChildServer> {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', join(packageRoot, 'src', 'main.ts')], {
    env: { ...process.env, NODE_ENV: 'test', PORT: String(port), TWOFOLD_HOST: '127.0.0.1', TWOFOLD_DEMO: 'false', TWOFOLD_WORKERS: '1', TWOFOLD_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const issuer = `http://localhost:${port}`;
  // Ready when discovery answers (the log line's wording is not this test's business).
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Twofold exited during start:\n${output}`);
    if (Date.now() > deadline) throw new Error(`Twofold did not answer within 60 s:\n${output}`);
    const ok = await fetch(`${issuer}/.well-known/openid-configuration`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    process: child,
    issuer,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
