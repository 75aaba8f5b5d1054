// Runs `twofold ...` in-process against a data folder, capturing what it prints.
import { runCli } from '../../src/cli/run.js';

export interface CliResult {
  code: number;
  out: string[];
  err: string[];
}

export async function twofold(dataDir: string, argv: string[], stdin = '', env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    readStdin: async () => stdin.replace(/\r?\n$/, ''),
    env: { NODE_ENV: 'test', TWOFOLD_DATA_DIR: dataDir, ...env },
  });
  return { code, out, err };
}
