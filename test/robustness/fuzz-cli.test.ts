// The fuzzer over the command line and the import files: every command from the usage lines
// with hostile arguments, and hostile OATH token lists and database exports. A command may
// refuse (exit 1 or 2) or do what it was asked; it may not throw, print a stack, or change the
// store when it refused.
import { jest } from '@jest/globals';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { type CliResult, twofold } from '../helpers/cli.js';
import { tempDir } from '../helpers/server.js';
import { cliCommands, type Invocation, invocations, notRun } from './cliInvocations.js';
import { dbFiles, type ImportFile, csvFiles, pskcFiles } from './importFiles.js';
import { full, report, sized } from './mode.js';
import { evaluatedMarkers } from './payloads.js';
import { diffDumps, dumpStore } from './storeDump.js';

jest.setTimeout(sized(60_000, 1_200_000));

const dataDir = tempDir('twofold-cli-fuzz-');
const tmp = join(dataDir, 'files');
const env = { TWOFOLD_AUTHENTICATOR_FILE: join(tmp, 'authenticator.json'), TWOFOLD_LOG_LEVEL: 'error' };
let cliRuns = 0;
let files = 0;
let accepted = 0;

async function run(argv: string[], stdin = '', dir = dataDir): Promise<CliResult> {
  cliRuns++;
  return twofold(dir, argv, stdin, env);
}

beforeAll(async () => {
  mkdirSync(tmp, { recursive: true });
  for (const username of ['alice', 'alice@example.com', 'bob@example.com']) expect((await run(['user', 'add', username, '--password-stdin'], 'correct horse battery staple')).code).toBe(0);
  expect((await run(['client', 'add', 'fuzz-app', '--redirect-uri', 'https://rp.example.com/callback'])).code).toBe(0);
  expect((await run(['oath', 'import', join(packageRoot, 'examples', 'oath', 'tokens.csv')])).code).toBe(0);
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  report(`CLI: ${cliRuns} invocations (${accepted} accepted, the rest refused with a message), ${files} import files`);
});

/** What is wrong with one run, if anything (a refused run must also leave the store alone). */
async function judgeRun(what: string, argv: string[], stdin: string, dir = dataDir): Promise<string | undefined> {
  const before = dumpStore(dir);
  let result: CliResult;
  try {
    result = await run(argv, stdin, dir);
  } catch (error) {
    return `${what}: the command threw: ${(error as Error).stack?.split('\n').slice(0, 4).join(' | ')}`;
  }
  const printed = [...result.out, ...result.err].join('\n');
  if (![0, 1, 2].includes(result.code)) return `${what}: exit code ${result.code}`;
  if (/^\s+at .+:\d+:\d+\)?$/m.test(printed)) return `${what}: printed a stack: ${printed.slice(0, 400)}`;
  if (result.code !== 0 && !result.err.some((line) => line.startsWith('error:'))) return `${what}: refused (exit ${result.code}) without saying why: ${printed.slice(0, 300)}`;
  const diff = diffDumps(before, dumpStore(dir));
  if (result.code !== 0 && diff.length) return `${what}: refused (exit ${result.code}) but changed the store: ${diff.slice(0, 3).join(' | ')}`;
  if (diff.some((line) => evaluatedMarkers.some((marker) => marker.test(line)))) return `${what}: stored an evaluated value: ${diff.join(' | ').slice(0, 300)}`;
  if (result.code === 0) accepted++;
  return undefined;
}

test('every command of the usage lines takes hostile arguments: it refuses with a message or does what it was asked, and never crashes', async () => {
  const commands = cliCommands();
  // The usage lines were read: every command group is there.
  expect(new Set(commands.map((c) => c.words[0]))).toEqual(new Set(['user', 'fraud', 'oath', 'client', 'policy', 'audit', 'keys', 'authenticator', 'db']));
  const problems: string[] = [];
  const all: Invocation[] = commands.flatMap((command, index) => {
    const name = command.words.join(' ');
    if (notRun[name]) {
      report(`CLI: '${name}' not run: ${notRun[name]}`);
      return [];
    }
    return invocations(command, tmp, index);
  });
  for (const invocation of all) {
    const problem = await judgeRun(`twofold ${invocation.command} (${invocation.what})`, invocation.argv, invocation.stdin);
    if (problem) problems.push(problem);
  }
  expect(problems).toEqual([]);
});

async function importEach(kind: string, list: ImportFile[], argv: (file: string) => string[], dir = dataDir, fresh?: () => Promise<void>) {
  const problems: string[] = [];
  for (const [i, file] of list.entries()) {
    if (!full && i % 2 === 1) continue;
    await fresh?.();
    const path = join(tmp, `${kind}-${i}`);
    writeFileSync(path, file.body);
    files++;
    const problem = await judgeRun(`${kind} '${file.name}'`, argv(path), '', dir);
    if (problem) problems.push(problem);
  }
  return problems;
}

test('hostile OATH token files (CSV and PSKC) are refused with a message, or imported as written, and never crash', async () => {
  const problems = [
    ...(await importEach('oath csv', csvFiles, (file) => ['oath', 'import', file, '--format', 'csv'])),
    ...(await importEach('oath pskc', pskcFiles, (file) => ['oath', 'import', file, '--format', 'pskc'])),
    ...(await importEach('oath pskc with a key', pskcFiles.slice(-4), (file) => ['oath', 'import', file, '--format', 'pskc', '--psk', '00112233445566778899aabbccddeeff'])),
  ];
  expect(problems).toEqual([]);
});

test('hostile database exports are refused with a message, by a store with data and by an empty one, and never crash', async () => {
  const exported = join(tmp, 'real-export.jsonl');
  expect((await run(['db', 'export', exported])).code).toBe(0);
  const list = dbFiles(readFileSync(exported, 'utf8'));
  // An empty store with the same keys, so a file gets past the key check to its rows.
  const empty = tempDir('twofold-cli-fuzz-empty-');
  const freshEmpty = async () => {
    for (const name of ['twofold.db', 'twofold.db-wal', 'twofold.db-shm']) rmSync(join(empty, name), { force: true });
    cpSync(join(dataDir, 'dev-keys.json'), join(empty, 'dev-keys.json'));
    expect((await run(['db', 'migrate'], '', empty)).code).toBe(0);
  };
  try {
    const problems = [
      ...(await importEach('db import (store with data)', list, (file) => ['db', 'import', file])),
      ...(await importEach('db import (empty store)', list, (file) => ['db', 'import', file], empty, freshEmpty)),
    ];
    expect(problems).toEqual([]);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
