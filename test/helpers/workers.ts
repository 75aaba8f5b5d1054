// `npm start` with TWOFOLD_WORKERS=2, as its own process: the primary and its workers on one
// port, and everything they print, for tests that need several server processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

export interface RunningWorkers {
  primary: ChildProcess;
  issuer: string;
  /** Everything printed so far. */
  output(): string;
}

export async function startWorkers(env: Record<string, string>): Promise<RunningWorkers> {
  let output = '';
  const primary = spawn(process.execPath, ['--import', 'tsx', join(packageRoot, 'src', 'main.ts')], {
    env: { ...process.env, NODE_ENV: 'test', TWOFOLD_WORKERS: '2', PORT: '0', TWOFOLD_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const issuer = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no workers listening after 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Twofold is listening on \S+ as (\S+) with 2 workers/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    primary.stdout!.on('data', read);
    primary.stderr!.on('data', read);
    primary.once('exit', () => reject(new Error(`Twofold exited:\n${output}`)));
  });
  return { primary, issuer, output: () => output };
}
