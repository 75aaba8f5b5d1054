// TWOFOLD_WORKERS=2: `npm start` runs two server processes on one port. Every request here
// opens a new connection, which the primary hands to the workers in turn, so each sign-in's
// pages, code check and token exchange are served by both workers: it works only because
// nothing a sign-in needs lives in one process's memory.
import { registerClient } from '../../src/clients/registerClient.js';
import { jest } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { generateSecret } from 'otplib';
import * as oidc from 'openid-client';
import { AccountPool, type BenchAccount } from '../../bench/accountPool.js';
import { sampleTree } from '../../bench/procStats.js';
import { signIn } from '../../bench/signIn.js';
import { hashPassword } from '../../src/accounts/password.js';
import { policies, tempDir } from '../helpers/server.js';
import { withStore } from '../helpers/storeAccess.js';
import { startWorkers } from '../helpers/workers.js';

jest.setTimeout(90_000);

const dataDir = tempDir();
const policyDir = join(dataDir, 'policies');
let primary: ChildProcess;
let output: () => string;
let issuer: string;
const exited = () => new Promise<number | null>((done) => (primary.exitCode !== null ? done(primary.exitCode) : primary.once('exit', (code) => done(code))));

const client = { clientId: 'two-workers', secret: 'a client secret that is long enough for the test 123', redirectUri: 'https://rp.example.com/callback' };
const people: BenchAccount[] = [1, 2, 3, 4, 5, 6].map((n) => ({ username: `worker-person-${n}`, password: 'a long enough password', totpSecret: generateSecret({ length: 20 }) }));

beforeAll(async () => {
  mkdirSync(policyDir, { recursive: true });
  writeFileSync(join(policyDir, 'policy.yaml'), policies.mfaForAll.replace('remember: 7d', 'remember: 0'));
  ({ primary, issuer, output } = await startWorkers({ TWOFOLD_DATA_DIR: dataDir, TWOFOLD_POLICIES: policyDir }));
  // The primary generated the development keys; the store opens with them here.
  await withStore(dataDir, async (store) => {
    const passwordHash = await hashPassword(people[0]!.password);
    for (const person of people) {
      const { id } = await store.accounts.create({ username: person.username, passwordHash });
      await store.credentials.add({ accountId: id, method: 'totp', secret: person.totpSecret });
    }
    await registerClient(store.clients, { clientId: client.clientId, firstParty: true, redirectUris: [client.redirectUri], secret: client.secret });
  });
});

afterAll(async () => {
  if (primary.exitCode === null) {
    primary.kill('SIGKILL');
    await exited();
  }
});

/** Knows which time steps each person's codes have used, across the tests. */
const pool = new AccountPool(people);
/** The worker processes: the primary's node children (tsx may also start an esbuild helper). */
const isNode = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'node';
  } catch {
    return false;
  }
};
const workerPids = () => sampleTree(primary.pid!).filter((p) => p.pid !== primary.pid && isNode(p.pid));

async function signInEveryone(count: number) {
  const config = await oidc.discovery(new URL(issuer), client.clientId, undefined, oidc.ClientSecretBasic(client.secret), { execute: [oidc.allowInsecureRequests] });
  // No keep-alive: every request is a new connection, given to the next worker.
  const agent = new Agent({ keepAlive: false });
  const subs = [];
  for (let i = 0; i < count; i++) {
    const person = await pool.take();
    try {
      const { tokens } = await signIn(agent, { config, redirectUri: client.redirectUri }, person);
      subs.push(tokens.claims()!.sub);
    } finally {
      person.release();
    }
  }
  return subs;
}

test('two workers share the port and the store: sign-ins whose requests alternate between them succeed, and both do the work', async () => {
  const before = workerPids();
  expect(before).toHaveLength(2);
  const subs = await signInEveryone(6);
  expect(new Set(subs).size).toBe(6);
  const after = workerPids();
  const cpuSpent = before.map((worker) => after.find((p) => p.pid === worker.pid)!.cpuMs - worker.cpuMs);
  // Six sign-ins cost hundreds of ms of CPU; a worker left idle would spend a few ms on timers.
  for (const spent of cpuSpent) expect(spent).toBeGreaterThan(40);
});

test('a worker that dies is replaced, and sign-ins go on', async () => {
  const [victim, survivor] = workerPids();
  process.kill(victim!.pid, 'SIGKILL');
  for (let i = 0; i < 100 && !output().includes('stopped (exit SIGKILL); starting another'); i++) await new Promise((r) => setTimeout(r, 100));
  expect(output()).toContain('stopped (exit SIGKILL); starting another');
  // The survivor serves while the replacement starts.
  expect(await signInEveryone(2)).toHaveLength(2);
  for (let i = 0; i < 150 && workerPids().length < 2; i++) await new Promise((r) => setTimeout(r, 200));
  const pids = workerPids().map((p) => p.pid);
  expect(pids).toHaveLength(2);
  expect(pids).toContain(survivor!.pid);
  expect(pids).not.toContain(victim!.pid);
});

test('SIGTERM stops the primary and its workers cleanly', async () => {
  const workers = workerPids().map((p) => p.pid);
  primary.kill('SIGTERM');
  expect(await exited()).toBe(0);
  const alive = workers.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
  expect(alive).toEqual([]);
});
