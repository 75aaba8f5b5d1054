// `npm run bench -- --quick` end to end, as CI can afford: both servers start, people sign in
// with a password and a code, the grants run, and the results are written. The figures
// themselves are not judged here (CI machines vary); that the whole path works is.
import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from '../../bench/run.js';
import { packageRoot } from '../../src/paths.js';
import { tempDir } from '../helpers/tempDir.js';

jest.setTimeout(180_000);

const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(packageRoot, 'bench', 'run.ts'), ...args], { cwd: packageRoot, encoding: 'utf8', timeout: 170_000 });

test('the short form signs people in on Twofold and on the minimal app, runs the grants, and writes JSON and Markdown', () => {
  const out = tempDir('twofold-bench-test-');
  const result = run(['--quick', '--out', out]);
  expect({ status: result.status, stderr: result.stderr.split('\n').filter((l) => !l.includes('WARNING')).join('\n') }).toEqual({ status: 0, stderr: '' });
  const results = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchResults;
  for (const server of [results.minimal, results.twofold[0]!]) {
    expect(server.levels[0]).toMatchObject({ concurrency: 2, errors: 0 });
    expect(server.levels[0]!.completed).toBeGreaterThan(0);
    expect(server.levels[0]!.cpuMsPerOp).toBeGreaterThan(0);
    expect(Object.keys(server.levels[0]!.latencyMs).sort()).toEqual(['authorize', 'password', 'secondFactor', 'token', 'total']);
    expect(server.grants!.refresh).toMatchObject({ errors: 0 });
    expect(server.grants!.introspection).toMatchObject({ errors: 0 });
  }
  expect(results.minimal.grants!.clientCredentials).toMatchObject({ errors: 0 });
  expect(results.hash.perSecondAllCores).toBeGreaterThan(0);
  const markdown = readFileSync(join(out, 'latest.md'), 'utf8');
  expect(markdown).toContain('| Server | In flight | Sign-ins/s | CPU ms |');
  expect(markdown).toMatch(/\| Twofold \(1 worker\) \| 2 \| \d/);
});

test('a bad flag is refused with the reason and the usage, before anything starts', () => {
  const result = run(['--concurrency', 'lots']);
  expect(result.status).toBe(2);
  expect(result.stderr).toContain("bench: --concurrency must be a whole number from 1 to 1000, but is 'lots'");
  expect(result.stderr).toContain('--quick');
});
