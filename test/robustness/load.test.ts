// The load test on loopback: Twofold as `npm start` runs it (production mode, its own processes),
// many people signing in with a password and an authenticator code over keep-alive connections
// (the bench's client), each again as soon as the last ended, held for a while. No sign-in may fail, and the server's
// resident memory, sampled throughout, must stay under a bound.
import { jest } from '@jest/globals';
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { AccountPool } from '../../bench/accountPool.js';
import { createAgent } from '../../bench/browser.js';
import { closedLoop } from '../../bench/load.js';
import { sampleTree } from '../../bench/procStats.js';
import { benchClient, makeAccounts, prepareKeys, seedStore } from '../../bench/servers.js';
import { signIn } from '../../bench/signIn.js';
import { tempDir } from '../helpers/server.js';
import { type ChildServer, faultLines, freePort, startChild } from './childServer.js';
import { report, sized } from './mode.js';

// TWOFOLD_LOAD_CONCURRENCY and TWOFOLD_LOAD_SECONDS try other figures than the two forms'.
const concurrency = Number(process.env.TWOFOLD_LOAD_CONCURRENCY) || sized(50, 300);
const seconds = Number(process.env.TWOFOLD_LOAD_SECONDS) || sized(10, 60);
// People arrive over this time rather than all in the same millisecond: a busy Node process takes
// on about one new connection per turn of its event loop, so hundreds opened at once wait in the
// listen queue for longer than a relying party's 30 s timeout (README "Under load").
const rampSeconds = sized(5, 20);
/** Resident memory the server may reach under this load (it idles near 150 MiB). */
const rssBoundMiB = sized(450, 700);
jest.setTimeout((rampSeconds + seconds + 90) * 1000);

const dir = tempDir('twofold-load-');
let server: ChildServer | undefined;
afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

test(`${concurrency} people arriving over ${rampSeconds} s and signing in again and again for ${seconds} s (password and code): no errors, memory bounded`, async () => {
  const setup = prepareKeys(dir);
  // Enough accounts that each signs in at most twice a TOTP period: the server sets the pace.
  const accounts = makeAccounts(sized(400, 2000));
  await seedStore(join(dir, 'data', 'twofold.db'), Buffer.from(setup.keys.encryptionKey, 'base64'), accounts, { registerBenchClient: true });
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify(setup.keys.jwks), { mode: 0o600 });
  mkdirSync(join(dir, 'policies'), { recursive: true });
  writeFileSync(join(dir, 'policies', 'policy.yaml'), 'version: 1\ndefaults: { require: mfa, methods: [totp], remember: 0, enrollment: required }\nrules: []\n');
  const port = await freePort();
  server = await startChild({
    NODE_ENV: 'production', TWOFOLD_ISSUER: `http://localhost:${port}`, TWOFOLD_ALLOW_INSECURE_ISSUER: 'true',
    TWOFOLD_DATA_DIR: join(dir, 'data'), TWOFOLD_POLICIES: join(dir, 'policies'), TWOFOLD_COOKIE_KEYS: setup.keys.cookieKeys.join(','),
    TWOFOLD_SIGNING_KEYS_FILE: jwksFile, TWOFOLD_ENCRYPTION_KEY: setup.keys.encryptionKey,
    // As `npm start` runs in production: one server process per core.
    TWOFOLD_WORKERS: String(availableParallelism()),
  }, port);
  const pid = server.process.pid!;

  const pool = new AccountPool(accounts);
  const agent = createAgent();
  const config = await oidc.discovery(new URL(server.issuer), benchClient.clientId, undefined, oidc.ClientSecretBasic(benchClient.secret), { execute: [oidc.allowInsecureRequests] });
  const rp = { config, redirectUri: benchClient.redirectUri };
  const rss: number[] = [];
  const sample = () => rss.push(Math.max(...sampleTree(pid).map((s) => s.rssMiB)));
  sample();
  const sampler = setInterval(sample, 500);
  // The bench counts only sign-ins that start and end inside its window; held counts every one
  // that completed while the load ran (with hundreds in flight, the first ones take a while).
  let held = 0;
  let result;
  try {
    result = await closedLoop(pid, concurrency, async () => {
      const person = await pool.take();
      try {
        const { ms } = await signIn(agent, rp, person);
        held++;
        return { ...ms, total: ms.authorize + ms.password + ms.secondFactor + ms.token };
      } finally {
        person.release();
      }
    }, { warmupMs: rampSeconds * 1000 + 2000, rampMs: rampSeconds * 1000, durationMs: seconds * 1000 });
  } finally {
    clearInterval(sampler);
    agent.destroy();
  }
  sample();
  const peak = Math.max(...rss);
  report(`load: ${held} sign-ins held at ${concurrency} in flight for ${seconds} s (${result.completed} of them inside the measured window: ${result.perSecond.toFixed(1)}/s, p95 ${Math.round(result.latencyMs.total?.p95 ?? NaN)} ms), ${result.errors} errors; server RSS ${Math.round(rss[0]!)} MiB at rest, peak ${Math.round(peak)} MiB, ${Math.round(rss.at(-1)!)} MiB at the end (bound ${rssBoundMiB} MiB)`);
  expect({ errors: result.errors, firstError: result.firstError, faults: faultLines(server.output()) }).toEqual({ errors: 0, firstError: undefined, faults: [] });
  expect(held).toBeGreaterThan(0);
  expect(peak).toBeLessThan(rssBoundMiB);
});
