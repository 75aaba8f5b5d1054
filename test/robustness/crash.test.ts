// The crash test: Twofold as its own process on a SQLite file, people setting up an
// authenticator app (with its recovery codes) or a phone (texts read off the development
// phone) and signing in, and a SIGKILL at a random moment, again and again. After every kill
// the database must pass `PRAGMA integrity_check`, no method whose proof was never sent may
// exist (nor be offered at sign-in), and every method whose setup was confirmed before a kill
// must still sign in (recovery codes included).
import { jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAccount } from '../../src/accounts/createAccount.js';
import { totpCode } from '../../src/factors/otpCodes.js';
import { twofold } from '../helpers/cli.js';
import { setupKey } from '../helpers/mfa.js';
import { tempDir } from '../helpers/server.js';
import { withStore } from '../helpers/storeAccess.js';
import { type Page, UserAgent } from '../helpers/userAgent.js';
import { type ChildServer, faultLines, freePort, startChild } from './childServer.js';
import { full, report, sized } from './mode.js';

const kills = sized(5, 50);
jest.setTimeout(sized(90_000, 1_800_000));

const password = 'correct horse battery staple';
const redirectUri = 'https://rp.example.com/crash/callback';
const policy = 'version: 1\ndefaults: { require: mfa, methods: [totp, sms, recovery], remember: 0, enrollment: required }\nrules: []\n';

type State = 'new' | 'begun' | 'proofSent' | 'enrolled';
interface Person {
  username: string;
  method: 'totp' | 'sms';
  state: State;
  secret?: string;
  e164?: string;
  national?: string;
  lastStep?: number;
  /** When this person was sent a text (or asked for one). */
  texts: number[];
  /** The recovery codes shown when the app's setup was confirmed. */
  recoveryCodes?: string[];
  /** A lane is working with this person now. */
  busy?: boolean;
}

const dataDir = tempDir('twofold-crash-');
const env = {
  TWOFOLD_DATA_DIR: dataDir, TWOFOLD_POLICIES: join(dataDir, 'policies'), TWOFOLD_PHONE_CALLING_CODES: '1',
  TWOFOLD_PHONE_LIMIT_PER_NUMBER: '1000', TWOFOLD_PHONE_LIMIT_PER_ACCOUNT: '1000', TWOFOLD_PHONE_LIMIT_GLOBAL: '100000',
};
const people: Person[] = [];
let server: ChildServer | undefined;
let survived = 0;
let confirmed = 0;
let signIns = 0;
let checkedAfterRestart = 0;

/** Requests the workload has sent since the last restart: the kill comes after a random number of them. */
let sent = 0;
let onRequest = () => {};
// One connection per request (no keep-alive pool): a pooled socket to a killed process, or one
// the server closes as it is reused, would fail requests the server never saw.
http.globalAgent = new http.Agent({ keepAlive: false });
class CountingAgent extends UserAgent {
  constructor(origin: string) {
    super(origin);
    // A Host header of our own sends requests through node:http (and its agent) instead of fetch.
    this.headers = { host: new URL(origin).host };
  }

  override request(method: 'GET' | 'POST', target: string, form?: Record<string, string>) {
    sent++;
    onRequest();
    return super.request(method, target, form);
  }
}

afterAll(async () => {
  await server?.kill();
  rmSync(dataDir, { recursive: true, force: true });
  report(`crash: ${survived} kills survived (SIGKILL at random points), ${confirmed} setups confirmed, ${signIns} sign-ins, ${checkedAfterRestart} methods signed in again after a restart`);
});

const step = () => Math.floor(Date.now() / 1000 / 30);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tries again on a connection error: a pooled socket may still point at the killed process. */
async function retrying<T>(action: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= 2 || !/fetch failed|ECONNRESET|socket/i.test(String((error as Error).message) + String((error as { cause?: Error }).cause?.message))) throw error;
      await sleep(100);
    }
  }
}

async function passwordPage(agent: UserAgent, person: Person): Promise<Page> {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: 'crash-app', redirect_uri: redirectUri, response_type: 'code', scope: 'openid', state: 's', nonce: 'n',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  });
  const login = await agent.follow(`/auth?${query}`, redirectUri);
  return agent.submit(login, /\/login$/, { username: person.username, password }, redirectUri);
}

async function newestCode(agent: UserAgent, e164: string): Promise<string> {
  const messages = JSON.parse((await agent.get(`/dev/phone/messages?to=${encodeURIComponent(e164)}`)).html).messages as { body: string }[];
  const code = /\b(\d{6})\b/.exec(messages[0]?.body ?? '')?.[1];
  if (!code) throw new Error(`no text with a code to ${e164}`);
  return code;
}

/** A newcomer sets up their method, noting each point the server has seen. */
async function enroll(person: Person): Promise<boolean> {
  const agent = new CountingAgent(server!.issuer);
  const intro = await passwordPage(agent, person);
  if (!intro.html.includes('More information required')) throw new Error(`${person.username}: expected the setup page, got ${intro.status} ${intro.url}`);
  const fields: Record<string, string> = person.method === 'totp' ? { method: 'totp' } : { method: 'sms', smsCountry: 'US', smsNumber: person.national! };
  if (person.method === 'sms' && !mayText(person)) return false;
  if (person.method === 'sms') person.texts.push(Date.now());
  const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, fields, redirectUri);
  if (!setup.url.endsWith('/mfa/enroll/setup')) throw new Error(`${person.username}: setup did not start: ${setup.status} ${setup.url}`);
  person.state = 'begun';
  let code: string;
  if (person.method === 'totp') {
    person.secret = setupKey(setup.html);
    person.lastStep = step();
    code = await totpCode(person.secret, person.lastStep * 30);
  } else code = await newestCode(agent, person.e164!);
  person.state = 'proofSent';
  const done = await agent.submit(setup, /\/mfa\/enroll\/finish$/, { code }, redirectUri);
  if (!done.url.endsWith('/mfa/done')) throw new Error(`${person.username}: the proof was refused: ${done.status} ${done.url}`);
  person.state = 'enrolled';
  confirmed++;
  const codes = [...done.html.matchAll(/<li><code>([0-9a-z-]{19})<\/code><\/li>/g)].map((match) => match[1]!);
  if (codes.length) person.recoveryCodes = codes;
  const back = await agent.submit(done, /\/mfa\/done$/, {}, redirectUri);
  if (!back.location?.startsWith(`${redirectUri}?code=`)) throw new Error(`${person.username}: not sent back with a code after setup: ${back.status} ${back.location}`);
  return true;
}

/** Someone with a method signs in with it, to the relying party's callback with a code. */
async function signIn(person: Person): Promise<boolean> {
  let code: string | undefined;
  const agent = new CountingAgent(server!.issuer);
  if (person.method === 'totp') {
    const next = Math.max(step(), (person.lastStep ?? 0) + 1);
    if (next > step() + 1) return false; // its next code is not valid yet: someone else's turn
    person.lastStep = next;
    code = await totpCode(person.secret!, next * 30);
  }
  if (person.method === 'sms') {
    if (!mayText(person)) return false; // the send limits would refuse a text: someone else's turn
    person.texts.push(Date.now());
  }
  const page = await passwordPage(agent, person);
  if (!page.html.includes('Verify your identity')) throw new Error(`${person.username} (${person.method}, set up): expected the verification page, got ${page.status} ${page.url}: ${page.html.match(/<h1>.*<\/h1>/)?.[0]}`);
  code ??= await newestCode(agent, person.e164!);
  const back = await agent.submit(page, /\/mfa\/verify$/, { code }, redirectUri);
  if (!back.location?.startsWith(`${redirectUri}?code=`)) {
    const shown = page.html.match(/role="(?:alert|status)"[^>]*>([^<]*)/)?.[1]?.trim();
    throw new Error(`${person.username} (${person.method}): the code did not sign in: ${back.status} ${back.url}: ${back.html.match(/role="alert"[^>]*>([^<]*)/)?.[1]} (the page had said: ${shown}; texts sent at ${person.texts.map((at) => new Date(at).toISOString().slice(11, 19)).join(', ')})`);
  }
  signIns++;
  return true;
}

/** Someone who set up the app signs in with one of the recovery codes they were shown. */
async function signInWithRecoveryCode(person: Person): Promise<boolean> {
  // The verification page texts someone whose method is a phone before they choose a code.
  if (person.method === 'sms') {
    if (!mayText(person)) return false;
    person.texts.push(Date.now());
  }
  const agent = new CountingAgent(server!.issuer);
  const page = await passwordPage(agent, person);
  const options = await agent.follow(page.url.replace(/\/mfa\/?$/, '/mfa/options'));
  const form = [...options.html.matchAll(/<form\b[^>]*action="([^"]*\/mfa\/choose)"[^>]*>([\s\S]*?)<\/form>/g)].find((match) => /recovery/i.test(match[2]!));
  if (!form) throw new Error(`${person.username}: recovery codes are not offered: ${options.url} ${options.html.match(/<h1>.*<\/h1>/)?.[0]}`);
  const credential = /name="credential" value="([^"]+)"/.exec(form[2]!)![1]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(form[2]!)![1]!;
  const chosen = await agent.post(new URL(form[1]!, options.url).href, { csrf, credential });
  const verify = await agent.follow(chosen.location ?? options.url);
  let back = await agent.submit(verify, /\/mfa\/verify$/, { code: person.recoveryCodes!.shift()! }, redirectUri);
  // A used recovery code is followed by a page saying how many are left.
  if (back.url.endsWith('/mfa/done')) back = await agent.submit(back, /\/mfa\/done$/, {}, redirectUri);
  if (!back.location?.startsWith(`${redirectUri}?code=`)) throw new Error(`${person.username}: a recovery code did not sign in: ${back.status} ${back.url}`);
  signIns++;
  return true;
}

/** Whether Twofold's send limits (one text per 30 s, 5 per 15 minutes) allow another text now. */
function mayText(person: Person) {
  const now = Date.now();
  const recent = person.texts.filter((at) => at > now - 15 * 60_000);
  return recent.length < 5 && !recent.some((at) => at > now - 35_000);
}

let numbers = 0;
async function addPeople(count: number) {
  await withStore(dataDir, async (store) => {
    for (let i = 0; i < count; i++) {
      const n = people.length + 1;
      const last = String(1000 + ++numbers).slice(-4);
      const person: Person = { username: `crash${n}`, method: n % 2 ? 'totp' : 'sms', state: 'new', texts: [], e164: `+1212555${last}`, national: `(212) 555-${last}` };
      await createAccount(store.accounts, { username: person.username, password });
      people.push(person);
    }
  });
}

/** What the store says after a kill: its integrity, and which accounts hold which methods. */
function inspect(): { integrity: string; methods: Map<string, string[]> } {
  const db = new Database(join(dataDir, 'twofold.db'));
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check).join('; ');
    const rows = db.prepare('SELECT a.username AS username, c.method AS method FROM credentials c JOIN accounts a ON a.id = c.account_id').all() as { username: string; method: string }[];
    const methods = new Map<string, string[]>();
    for (const row of rows) methods.set(row.username, [...(methods.get(row.username) ?? []), row.method]);
    return { integrity, methods };
  } finally {
    db.close();
  }
}

test(`SIGKILL at random points during setup and sign-in (${kills} times) loses no confirmed method and leaves no half-set-up one`, async () => {
  mkdirSync(env.TWOFOLD_POLICIES, { recursive: true });
  writeFileSync(join(env.TWOFOLD_POLICIES, 'policy.yaml'), policy);
  expect((await twofold(dataDir, ['client', 'add', 'crash-app', '--redirect-uri', redirectUri, '--public', '--first-party'], '', env)).code).toBe(0);
  const port = await freePort();
  const problems: string[] = [];

  for (let round = 0; round < kills; round++) {
    await addPeople(sized(4, 6));
    server = await startChild(env, port);
    // After the restart: every confirmed method signs in; a method never proven is not offered.
    const enrolled = people.filter((p) => p.state === 'enrolled');
    for (const person of full ? enrolled : enrolled.slice(-2)) {
      try {
        if (await retrying(() => signIn(person))) checkedAfterRestart++;
      } catch (error) {
        problems.push(`after kill ${round}: ${(error as Error).message}`);
      }
    }
    for (const person of people.filter((p) => p.recoveryCodes?.length).slice(0, sized(1, 3))) {
      try {
        if (await retrying(() => signInWithRecoveryCode(person))) checkedAfterRestart++;
      } catch (error) {
        problems.push(`after kill ${round}: ${(error as Error).message}`);
      }
    }
    for (const person of people.filter((p) => p.state === 'begun').slice(0, 2)) {
      const page = await retrying(() => passwordPage(new CountingAgent(server!.issuer), person));
      if (!page.html.includes('More information required')) problems.push(`after kill ${round}: ${person.username} never proved a method, yet is not asked to set one up: ${page.url} ${page.html.match(/<h1>.*<\/h1>/)?.[0]}`);
    }

    // The workload: people setting up and signing in, four at a time, until the kill.
    let killed = false;
    const worker = async (lane: number) => {
      while (!killed) {
        const free = people.filter((p) => !p.busy);
        const waiting = free.filter((p) => (p.state === 'new' || p.state === 'begun') && (p.method === 'totp' || mayText(p)));
        const ready = free.filter((p) => p.state === 'enrolled');
        const person = (lane % 2 === 0 && waiting.length) || !ready.length ? waiting[0] : ready[Math.floor(Math.random() * ready.length)];
        if (!person) {
          await sleep(20);
          continue;
        }
        person.busy = true;
        try {
          const worked = person.state === 'enrolled' ? await signIn(person) : await enroll(person);
          if (!worked) await sleep(50);
        } catch (error) {
          if (!killed) problems.push(`while running: ${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause?: Error }).cause!.message})` : ''}`);
          if (!killed) await sleep(50);
        } finally {
          person.busy = false;
        }
      }
    };
    // The kill falls after a random number of the workload's requests (and a random few
    // milliseconds more, so mid-request too): wherever the work is on a slow or fast machine.
    sent = 0;
    // Until someone has finished a setup, the kill waits longer, so later rounds have confirmed
    // methods to check after the restart.
    const target = (people.some((p) => p.state === 'enrolled') ? 1 : sized(40, 80)) + Math.floor(Math.random() * sized(40, 60));
    const reached = new Promise<void>((resolve) => {
      onRequest = () => sent >= target && resolve();
    });
    const lanes = [0, 1, 2, 3].map(worker);
    await Promise.race([reached, sleep(30_000)]);
    await sleep(Math.random() * 60);
    killed = true;
    const faults = faultLines(server.output());
    if (faults.length) problems.push(`before kill ${round}: the server logged faults: ${faults.slice(0, 5).join(' | ')}`);
    await server.kill();
    onRequest = () => {};
    await Promise.allSettled(lanes);
    survived++;

    const { integrity, methods } = inspect();
    if (integrity !== 'ok') problems.push(`after kill ${round}: integrity_check says ${integrity}`);
    for (const person of people) {
      const held = methods.get(person.username) ?? [];
      if ((person.state === 'new' || person.state === 'begun') && held.length) problems.push(`after kill ${round}: ${person.username} never sent a proof, yet holds ${held.join(', ')}`);
      if (person.state === 'enrolled' && !held.includes(person.method)) problems.push(`after kill ${round}: ${person.username}'s confirmed ${person.method} is gone`);
      // The proof was on its way when the process died: what the store holds decides.
      if (person.state === 'proofSent') person.state = held.includes(person.method) ? 'enrolled' : 'begun';
    }
    if (problems.length) break;
  }
  server = undefined;
  expect(problems).toEqual([]);
  expect(survived).toBe(kills);
  // The kills fell during real work, not only between requests.
  expect(confirmed).toBeGreaterThan(0);
  expect(checkedAfterRestart).toBeGreaterThan(0);
});
