// The bench's results as Markdown tables, with the ratios the README's goals are judged by.
import type { HashLibraryResult } from './hashLibraries.js';
import type { LevelResult } from './load.js';
import type { BenchResults, ServerRun } from './run.js';

const f = (n: number | undefined, digits = 1) => (n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : '—');
const pct = (l: LevelResult, step: string) => {
  const p = l.latencyMs[step];
  return p ? `${f(p.p50)} / ${f(p.p95)} / ${f(p.p99)}` : '—';
};
const peak = (run: ServerRun) => Math.max(...run.levels.map((l) => l.perSecond));
const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? `${f(a / b, 2)}×` : '—');

function signInRows(run: ServerRun, hashCpu: number): string[] {
  return run.levels.map((l) => `| ${run.server} | ${l.concurrency} | ${f(l.perSecond)} | ${f(l.cpuMsPerOp)} | ${f(l.cpuMsPerOp - hashCpu)} | ${pct(l, 'authorize')} | ${pct(l, 'password')} | ${pct(l, 'secondFactor')} | ${pct(l, 'token')} | ${f(l.peakRssMiB, 0)} |`);
}

function hashLibraryRows(results: HashLibraryResult[]): string[] {
  return results.map((r) => (r.skipped ? `| ${r.name} | — | — | ${r.skipped} |` : `| ${r.name} | ${f(r.verifyMs!.p50)} | ${f(r.perSecondAllCores, 0)} | |`));
}

export function markdownReport(results: BenchResults): string {
  const { machine, hash, minimal, twofold, flags } = results;
  const first = twofold[0]!;
  const lines: string[] = [];
  lines.push(`Measured ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os} (load average at start ${machine.loadAverage.join(' ')}); ${flags.accounts} accounts, ${flags.durationSeconds} s per level after ${flags.warmupSeconds} s warm-up${flags.quick ? ' (--quick)' : ''}. Client and servers share the machine.`);
  lines.push('');
  lines.push(`**Password hash** (argon2id, 19 MiB, t=2, p=1, the library Twofold uses): ${f(hash.verifyMs)} ms per verification, ${f(hash.cpuMsPerVerify)} ms of CPU; ${f(hash.perSecondOneCore, 0)}/s on one core, ${f(hash.perSecondAllCores, 0)}/s on ${hash.cores} cores: the most password sign-ins this machine can do.`);
  if (results.hashLibraries) {
    lines.push('', '| argon2id library | ms per verification (p50) | verifications/s, all cores | |', '|---|---|---|---|', ...hashLibraryRows(results.hashLibraries));
  }
  lines.push('');
  lines.push('**Sign-ins** (authorization request, password, authenticator code, code exchange with PKCE, ID token checked). Latencies are p50 / p95 / p99 in ms; CPU is the server processes\' own, per sign-in; "non-hash" subtracts one password verification.');
  lines.push('');
  lines.push('| Server | In flight | Sign-ins/s | CPU ms | Non-hash CPU ms | Authorize | Password | Second factor | Token | Peak RSS MiB (largest process) |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const run of [minimal, ...twofold]) lines.push(...signInRows(run, hash.cpuMsPerVerify));
  lines.push('');
  const halfPeaks = [minimal, ...twofold].filter((run) => run.halfPeak);
  if (halfPeaks.length) {
    lines.push('**At half of peak load** (arrivals paced at half the best sign-ins/s above):', '', '| Server | Arrivals/s | Completed/s | CPU ms | Second factor p50 / p95 / p99 ms | Whole sign-in p50 / p95 / p99 ms |', '|---|---|---|---|---|---|');
    for (const run of halfPeaks) lines.push(`| ${run.server} | ${f(run.halfPeak!.rate)} | ${f(run.halfPeak!.perSecond)} | ${f(run.halfPeak!.cpuMsPerOp)} | ${pct(run.halfPeak!, 'secondFactor')} | ${pct(run.halfPeak!, 'total')} |`);
    lines.push('');
  }
  lines.push(`**Other grants** (${flags.grantConcurrency} in flight): operations per second and server CPU ms per operation.`, '');
  lines.push('| Grant | Minimal app /s | Minimal CPU ms | Twofold /s | Twofold CPU ms | Twofold / minimal CPU |', '|---|---|---|---|---|---|');
  for (const kind of ['refresh', 'clientCredentials', 'introspection'] as const) {
    const m = minimal.grants?.[kind];
    const t = first.grants?.[kind];
    const cells = (g: typeof m) => (!g ? ['—', '—'] : 'skipped' in g ? ['skipped', '—'] : [f(g.perSecond, 0), f(g.cpuMsPerOp, 2)]);
    const cpuRatio = m && t && !('skipped' in m) && !('skipped' in t) ? ratio(t.cpuMsPerOp, m.cpuMsPerOp) : '—';
    lines.push(`| ${kind} | ${cells(m).join(' | ')} | ${cells(t).join(' | ')} | ${cpuRatio} |`);
  }
  const skipped = Object.entries(first.grants ?? {}).filter(([, g]) => 'skipped' in g);
  for (const [kind, g] of skipped) lines.push('', `Twofold ${kind}: ${(g as { skipped: string }).skipped}.`);
  lines.push('');
  lines.push('**Ratios**', '', '| | Value |', '|---|---|');
  for (const level of first.levels) {
    const m = minimal.levels.find((l) => l.concurrency === level.concurrency);
    if (!m) continue;
    lines.push(`| CPU per sign-in, Twofold (${first.workers} worker) / minimal app, ${level.concurrency} in flight | ${ratio(level.cpuMsPerOp, m.cpuMsPerOp)} |`);
    lines.push(`| Sign-ins/s, Twofold (${first.workers} worker) / minimal app, ${level.concurrency} in flight | ${ratio(level.perSecond, m.perSecond)} |`);
  }
  for (const run of twofold) lines.push(`| Best sign-ins/s, Twofold (${run.workers} worker${run.workers > 1 ? 's' : ''}) / hash limit | ${ratio(peak(run), hash.perSecondAllCores)} |`);
  lines.push(`| Best sign-ins/s, minimal app / hash limit | ${ratio(peak(minimal), hash.perSecondAllCores)} |`);
  if (twofold.length > 1) {
    const last = twofold.at(-1)!;
    lines.push(`| Best sign-ins/s, Twofold ${last.workers} workers / 1 worker | ${ratio(peak(last), peak(first))} |`);
  }
  lines.push(`| HTTP round trips per sign-in (browser), Twofold / minimal app | ${first.roundTrips ?? '—'} / ${minimal.roundTrips ?? '—'} |`);
  lines.push('');
  lines.push(`**Resident memory after the runs**, MiB per process: minimal app ${minimal.rssAfterMiB.map((r) => f(r, 0)).join(', ')}; ${twofold.map((run) => `Twofold ${run.workers} worker${run.workers > 1 ? 's' : ''} ${run.rssAfterMiB.map((r) => f(r, 0)).join(', ')}`).join('; ')}${twofold.some((r) => r.workers > 1) ? ' (the first figure of a multi-worker run is the primary process)' : ''}.`);
  const waits = [minimal, ...twofold].flatMap((run) => run.levels.filter((l) => l.accountWaitMs > 0).map((l) => `${run.server} at ${l.concurrency}`));
  if (waits.length) lines.push('', `Note: sign-ins waited for an account with an unused time step (${waits.join(', ')}): raise --accounts for a truer peak.`);
  return `${lines.join('\n')}\n`;
}
