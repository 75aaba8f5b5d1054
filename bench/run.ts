// `npm run bench`: Twofold signing people in end to end (password + authenticator code), next
// to the argon2id hash rate and a minimal hand-written oidc-provider app doing the same work;
// then refresh, client-credentials and introspection grants on both. Writes JSON and Markdown
// to bench/results/. See README "Performance" and `npm run bench -- --help`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import * as oidc from 'openid-client';
import { AccountPool } from './accountPool.js';
import { createAgent } from './browser.js';
import { type BenchFlags, FlagError, parseFlags, usage } from './flags.js';
import { type GrantKind, grantOperation, grantRefusal, type GrantSubjects } from './grants.js';
import { compareHashLibraries, type HashLibraryResult } from './hashLibraries.js';
import { measureHashReference, type HashReference } from './hashReference.js';
import { closedLoop, type LevelResult, paced } from './load.js';
import { canMeasureProcesses, sampleTree } from './procStats.js';
import { benchClient, makeAccounts, prepareKeys, type RunningServer, seedStore, startMinimal, startTwofold } from './servers.js';
import { markdownReport } from './report.js';
import { signIn } from './signIn.js';

export interface ServerRun {
  server: string;
  workers: number;
  levels: (LevelResult & { accountWaitMs: number })[];
  halfPeak?: LevelResult;
  grants?: Partial<Record<GrantKind, LevelResult | { skipped: string }>>;
  /** HTTP requests a browser makes for one sign-in (the token request not counted). */
  roundTrips?: number;
  /** Resident memory of each process once the runs were over. */
  rssAfterMiB: number[];
}

export interface BenchResults {
  startedAt: string;
  seconds: number;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; os: string; loadAverage: number[] };
  flags: BenchFlags;
  hash: HashReference;
  hashLibraries?: HashLibraryResult[];
  twofold: ServerRun[];
  minimal: ServerRun;
}

const grantKinds: GrantKind[] = ['refresh', 'clientCredentials', 'introspection'];
const say = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

async function measureServer(server: RunningServer, pool: AccountPool, flags: BenchFlags, workers: number, options: { grants: boolean; halfPeakOf?: (run: ServerRun) => number }): Promise<ServerRun> {
  const agent = createAgent();
  const config = await oidc.discovery(new URL(server.issuer), benchClient.clientId, undefined, oidc.ClientSecretBasic(benchClient.secret), { execute: [oidc.allowInsecureRequests] });
  const rp = { config, redirectUri: benchClient.redirectUri };
  const run: ServerRun = { server: server.name, workers, levels: [], rssAfterMiB: [] };
  const timing = { warmupMs: flags.warmupSeconds * 1000, durationMs: flags.durationSeconds * 1000 };

  const signInOnce = async (params?: Record<string, string>) => {
    const person = await pool.take();
    try {
      return await signIn(agent, rp, person, params);
    } finally {
      person.release();
    }
  };
  const operation = async () => {
    const { ms, roundTrips } = await signInOnce();
    run.roundTrips = roundTrips;
    return { ...ms, total: ms.authorize + ms.password + ms.secondFactor + ms.token };
  };

  for (const concurrency of flags.concurrency) {
    const waited = pool.waitedMs;
    const level = await closedLoop(server.pid, concurrency, operation, timing);
    run.levels.push({ ...level, accountWaitMs: pool.waitedMs - waited });
    say(`  ${server.name}, ${concurrency} at once: ${fmt(level.perSecond)} sign-ins/s, ${fmt(level.cpuMsPerOp)} ms server CPU each, second factor p99 ${fmt(level.latencyMs.secondFactor?.p99 ?? NaN)} ms${level.errors ? `, ${level.errors} FAILED: ${level.firstError}` : ''}`);
  }

  if (options.halfPeakOf) {
    const rate = options.halfPeakOf(run);
    run.halfPeak = await paced(server.pid, rate, operation, { ...timing, maxInFlight: 256 });
    say(`  ${server.name}, paced at ${fmt(rate)}/s (half of its peak): second factor p50 ${fmt(run.halfPeak.latencyMs.secondFactor?.p50 ?? NaN)} / p99 ${fmt(run.halfPeak.latencyMs.secondFactor?.p99 ?? NaN)} ms${run.halfPeak.errors ? `, ${run.halfPeak.errors} FAILED: ${run.halfPeak.firstError}` : ''}`);
  }

  if (options.grants) {
    // Sessions that asked for offline access give the refresh tokens and access tokens to use.
    const subjects: GrantSubjects = { refreshTokens: [], accessTokens: [] };
    for (let i = 0; i < Math.max(4, flags.grantConcurrency * 2); i++) {
      const { tokens } = await signInOnce({ scope: 'openid offline_access', prompt: 'consent' });
      if (!tokens.refresh_token) throw new Error(`${server.name} issued no refresh token for offline_access`);
      subjects.refreshTokens.push(tokens.refresh_token);
      subjects.accessTokens.push(tokens.access_token);
    }
    run.grants = {};
    for (const kind of grantKinds) {
      const refusal = await grantRefusal(kind, config, subjects);
      if (refusal) {
        run.grants[kind] = { skipped: `the server refused the bench client: ${refusal}` };
        say(`  ${server.name}, ${kind}: skipped (${refusal})`);
        continue;
      }
      const level = await closedLoop(server.pid, flags.grantConcurrency, grantOperation(kind, config, subjects), { warmupMs: Math.min(1000, timing.warmupMs), durationMs: flags.grantSeconds * 1000 });
      run.grants[kind] = level;
      say(`  ${server.name}, ${kind}: ${fmt(level.perSecond, 0)}/s, ${fmt(level.cpuMsPerOp, 2)} ms server CPU each${level.errors ? `, ${level.errors} FAILED: ${level.firstError}` : ''}`);
    }
  }
  run.rssAfterMiB = sampleTree(server.pid).map((s) => Math.round(s.rssMiB * 10) / 10);
  agent.destroy();
  return run;
}

const peak = (run: ServerRun) => Math.max(...run.levels.map((l) => l.perSecond));

async function main(flags: BenchFlags): Promise<BenchResults> {
  const started = Date.now();
  const cpuList = cpus();
  const results = {
    startedAt: new Date(started).toISOString(),
    machine: {
      cpu: cpuList[0]?.model ?? 'unknown', cores: cpuList.length, memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      node: process.version, os: `${process.platform} ${release()}`, loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    flags,
  } as BenchResults;
  say(`Twofold bench on ${results.machine.cpu}, ${results.machine.cores} cores, Node ${process.version} (load average ${results.machine.loadAverage.join(' ')})`);

  if (flags.hashLibraries) {
    say('comparing argon2id libraries (19 MiB, t=2, p=1)...');
    results.hashLibraries = await compareHashLibraries({ rounds: flags.quick ? 5 : 30 });
    for (const r of results.hashLibraries) say(`  ${r.name}: ${r.skipped ? `skipped, ${r.skipped}` : `${fmt(r.verifyMs!.p50)} ms per verification, ${fmt(r.perSecondAllCores!, 0)}/s on all cores`}`);
  }
  results.hash = await measureHashReference(flags.quick ? 5 : 40);
  say(`argon2id as Twofold uses it: ${fmt(results.hash.verifyMs)} ms per verification (${fmt(results.hash.cpuMsPerVerify)} ms CPU), ${fmt(results.hash.perSecondAllCores, 0)}/s on ${results.hash.cores} cores`);

  const root = mkdtempSync(join(tmpdir(), 'twofold-bench-'));
  try {
    const accounts = makeAccounts(flags.accounts);
    const twofoldSetup = prepareKeys(join(root, 'twofold'));
    const minimalSetup = prepareKeys(join(root, 'minimal'));
    say(`seeding ${flags.accounts} accounts with an authenticator app into each store...`);
    await seedStore(join(twofoldSetup.dir, 'data', 'twofold.db'), Buffer.from(twofoldSetup.keys.encryptionKey, 'base64'), accounts, { registerBenchClient: true });
    await seedStore(join(minimalSetup.dir, 'minimal.db'), Buffer.from(minimalSetup.keys.encryptionKey, 'base64'), accounts, { registerBenchClient: false });
    // Each store remembers which time steps each account has used: one pool per store.
    const pools = { twofold: new AccountPool(accounts), minimal: new AccountPool(accounts) };

    const minimal = await startMinimal(minimalSetup);
    say(`${minimal.name} at ${minimal.issuer}`);
    try {
      results.minimal = await measureServer(minimal, pools.minimal, flags, 1, { grants: true, halfPeakOf: flags.halfPeak ? (run) => peak(run) / 2 : undefined });
    } finally {
      await minimal.stop();
    }

    results.twofold = [];
    for (const [index, workers] of flags.workers.entries()) {
      const twofold = await startTwofold(twofoldSetup, workers);
      say(`${twofold.name} at ${twofold.issuer}`);
      try {
        const last = index === flags.workers.length - 1;
        results.twofold.push(await measureServer(twofold, pools.twofold, flags, workers, {
          grants: index === 0,
          halfPeakOf: last && flags.halfPeak ? (run) => peak(run) / 2 : undefined,
        }));
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${twofold.name} said:\n${twofold.output()}`);
      } finally {
        await twofold.stop();
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  if (flags.decide) {
    say('policy decision micro-benchmark:');
    await import('./decide.bench.js');
  }
  results.seconds = Math.round((Date.now() - started) / 100) / 10;
  return results;
}

function failures(results: BenchResults): string[] {
  const runs = [results.minimal, ...results.twofold];
  return runs.flatMap((run) => [
    ...run.levels, ...(run.halfPeak ? [run.halfPeak] : []),
    ...Object.values(run.grants ?? {}).filter((g): g is LevelResult => !('skipped' in g)),
  ].filter((level) => level.errors || !level.completed).map((level) => `${run.server}: ${level.errors} failed, ${level.completed} completed${level.firstError ? ` (${level.firstError})` : ''}`));
}

let flags: BenchFlags | 'help';
try {
  flags = parseFlags(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof FlagError)) throw error;
  process.stderr.write(`bench: ${error.message}\n\n${usage}\n`);
  process.exit(2);
}
if (flags === 'help') {
  say(usage);
  process.exit(0);
}
if (!canMeasureProcesses()) {
  process.stderr.write('bench: the server CPU and memory figures come from /proc: run the bench on Linux\n');
  process.exit(2);
}
const results = await main(flags);
const out = resolve(flags.out);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(out, 'latest.md'), markdownReport(results));
say(`\n${markdownReport(results)}`);
say(`results in ${join(out, 'latest.json')} and latest.md (${results.seconds} s)`);
const failed = failures(results);
if (failed.length) {
  process.stderr.write(`bench: some operations failed:\n${failed.map((f) => `  ${f}`).join('\n')}\n`);
  process.exit(1);
}
process.exit(0);
