// `npm run bench:steps -- [sign-ins]`: server CPU of each sign-in step, the minimal app against
// Twofold (1 worker), for a fair comparison on a shared machine: both servers run at once and
// are driven in alternating rounds of 25 sequential sign-ins, so a change in other jobs' load
// falls on both. Prints a Markdown table; no results file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { AccountPool } from './accountPool.js';
import { createAgent } from './browser.js';
import { sampleTree, totalCpuMs } from './procStats.js';
import { benchClient, makeAccounts, prepareKeys, type RunningServer, seedStore, startMinimal, startTwofold } from './servers.js';
import { signIn, type SignInStep, signInSteps } from './signIn.js';

const total = Number(process.argv[2] ?? 300);
if (!Number.isInteger(total) || total < 25 || total > 100_000) {
  process.stderr.write('bench:steps: the number of sign-ins per server must be a whole number from 25 to 100000\n');
  process.exit(2);
}
const round = 25;
const root = mkdtempSync(join(tmpdir(), 'twofold-steps-'));
const accounts = makeAccounts(Math.max(200, round * 4));
const servers: { server: RunningServer; run: () => Promise<void>; cpu: Record<SignInStep, number> }[] = [];
try {
  for (const name of ['minimal', 'twofold'] as const) {
    const setup = prepareKeys(join(root, name));
    const dbFile = name === 'twofold' ? join(setup.dir, 'data', 'twofold.db') : join(setup.dir, 'minimal.db');
    await seedStore(dbFile, Buffer.from(setup.keys.encryptionKey, 'base64'), accounts, { registerBenchClient: name === 'twofold' });
    const server = name === 'twofold' ? await startTwofold(setup, 1) : await startMinimal(setup);
    const agent = createAgent();
    const config = await oidc.discovery(new URL(server.issuer), benchClient.clientId, undefined, oidc.ClientSecretBasic(benchClient.secret), { execute: [oidc.allowInsecureRequests] });
    const pool = new AccountPool(accounts);
    const cpu = Object.fromEntries(signInSteps.map((step) => [step, 0])) as Record<SignInStep, number>;
    const once = async (measure: boolean) => {
      const person = await pool.take();
      let last = totalCpuMs(sampleTree(server.pid));
      try {
        await signIn(agent, { config, redirectUri: benchClient.redirectUri }, person, {}, (step) => {
          const now = totalCpuMs(sampleTree(server.pid));
          if (measure) cpu[step] += now - last;
          last = now;
        });
      } finally {
        person.release();
      }
    };
    for (let i = 0; i < 20; i++) await once(false);
    servers.push({ server, cpu, run: async () => { for (let i = 0; i < round; i++) await once(true); } });
  }
  for (let done = 0; done < total; done += round) for (const { run } of servers) await run();
  const rows = servers.map(({ server, cpu }) => {
    const perStep = signInSteps.map((step) => cpu[step] / total);
    return { name: server.name, perStep, sum: perStep.reduce((a, b) => a + b, 0) };
  });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Server CPU ms per step, ${total} sequential sign-ins per server in alternating rounds of ${round}:\n`);
  out(`| Server | ${signInSteps.join(' | ')} | total |`);
  out(`|---|${signInSteps.map(() => '---|').join('')}---|`);
  for (const row of rows) out(`| ${row.name} | ${row.perStep.map((ms) => ms.toFixed(2)).join(' | ')} | ${row.sum.toFixed(1)} |`);
  out(`\nTwofold / minimal app: ${(rows[1]!.sum / rows[0]!.sum).toFixed(2)}×`);
} finally {
  await Promise.all(servers.map(({ server }) => server.stop()));
  rmSync(root, { recursive: true, force: true });
}
process.exit(0);
