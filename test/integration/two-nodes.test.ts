// Two provider processes on different ports sharing one SQLite file, as two nodes behind a load
// balancer share one store: the browser's requests go to whichever node the test says, with the
// same cookies, and every node answers for the one issuer. What one node decides (a sign-in in
// progress, a code spent, a push answered) the other sees, because it lives in the store, not in
// a process.
import { jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { hashPassword } from '../../src/accounts/password.js';
import { answer, type AuthenticatorAccount, listen, type DeviceRequest } from '../../src/authenticator/client.js';
import { registerClient } from '../../src/clients/registerClient.js';
import { totpCode } from '../../src/factors/otpCodes.js';
import { packageRoot } from '../../src/paths.js';
import { policies, tempDir } from '../helpers/server.js';
import { withStore } from '../helpers/storeAccess.js';
import { alertText, findForm, type Page, UserAgent } from '../helpers/userAgent.js';

jest.setTimeout(90_000);

const dataDir = tempDir();
const password = 'a long enough password';
const client = { clientId: 'two-nodes', secret: 'a client secret that is long enough for the test 123', redirectUri: 'https://rp.example.com/callback' };
const seeds = new Map<string, { id: string; secret: string }>();
const people = ['ann', 'ben', 'cat', 'dan', 'eve'];
/** A person whose only second factor is the authenticator app on a phone (set up earlier). */
const pushPerson = { username: 'fay', id: '', device: undefined as unknown as AuthenticatorAccount };

interface Node {
  name: string;
  origin: string;
  process: ChildProcess;
  output: string;
}
let a: Node;
let b: Node;
let issuer: string;
let config: oidc.Configuration;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });

async function startNode(name: string, port: number): Promise<Node> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(packageRoot, 'src', 'main.ts')], {
    env: {
      ...process.env, NODE_ENV: 'test', PORT: String(port), TWOFOLD_HOST: '127.0.0.1', TWOFOLD_ISSUER: issuer, TWOFOLD_DATA_DIR: dataDir,
      TWOFOLD_POLICIES: join(dataDir, 'policies'), TWOFOLD_DEMO: 'false', TWOFOLD_WORKERS: '1', TWOFOLD_PUSH_STREAM_POLL: '300',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const node: Node = { name, origin: `http://127.0.0.1:${port}`, process: child, output: '' };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${name} not listening after 60 s:\n${node.output}`)), 60_000);
    const read = (chunk: Buffer) => {
      node.output += chunk.toString();
      if (node.output.includes('Twofold is listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', () => reject(new Error(`node ${name} exited:\n${node.output}`)));
  });
  return node;
}

beforeAll(async () => {
  mkdirSync(join(dataDir, 'policies'), { recursive: true });
  writeFileSync(join(dataDir, 'policies', 'policy.yaml'), policies.mfaForAll.replace('remember: 7d', 'remember: 0').replace('methods: [totp]', 'methods: [totp, push]'));
  const [portA, portB] = [await freePort(), await freePort()];
  // One public address for both nodes, as a load balancer gives them.
  issuer = `http://127.0.0.1:${portA}`;
  // Keys and store are made once, before either node starts: both read the same keys file.
  await withStore(dataDir, async (store) => {
    const passwordHash = await hashPassword(password);
    for (const username of people) {
      const { id } = await store.accounts.create({ username, passwordHash });
      const secret = 'JBSWY3DPEHPK3PXP' + username.toUpperCase().replace(/[^A-Z]/g, 'A').padEnd(16, 'A');
      await store.credentials.add({ accountId: id, method: 'totp', secret });
      seeds.set(username, { id, secret });
    }
    // The phone's key pair is made here; the server keeps only the public half.
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
    pushPerson.id = (await store.accounts.create({ username: pushPerson.username, passwordHash: await hashPassword(password) })).id;
    await store.credentials.add({ accountId: pushPerson.id, method: 'push', label: 'Phone', externalId: 'fay-phone', data: { publicKey: { kty, crv, x, y }, name: 'Phone' } });
    pushPerson.device = { server: '', issuer: 'Twofold', account: pushPerson.username, deviceId: 'fay-phone', name: 'Phone', privateKey: privateKey.export({ format: 'jwk' }), totp: null };
    await registerClient(store.clients, { clientId: client.clientId, firstParty: true, redirectUris: [client.redirectUri], secret: client.secret });
  });
  [a, b] = await Promise.all([startNode('A', portA), startNode('B', portB)]);
  config = await oidc.discovery(new URL(issuer), client.clientId, undefined, oidc.ClientSecretBasic(client.secret), { execute: [oidc.allowInsecureRequests] });
});

afterAll(async () => {
  for (const node of [a, b]) {
    if (node && node.process.exitCode === null) {
      node.process.kill('SIGTERM');
      await new Promise((done) => node.process.once('exit', done));
    }
  }
});

/** The same URL, sent to one node (the issuer's address stands for the load balancer's). */
const via = (node: Node, url: string) => {
  const target = new URL(url, issuer);
  return `${node.origin}${target.pathname}${target.search}`;
};

async function follow(agent: UserAgent, node: Node, url: string): Promise<Page> {
  let page = await agent.get(via(node, url));
  for (let hops = 0; page.location && !page.location.startsWith(client.redirectUri) && hops < 10; hops++) page = await agent.get(via(node, page.location));
  return page;
}

async function submit(agent: UserAgent, node: Node, page: Page, action: RegExp, fields: Record<string, string>): Promise<Page> {
  const form = findForm(page.html, action);
  const posted = await agent.post(via(node, new URL(form.action, page.url).href), { ...form.fields, ...fields });
  if (!posted.location || posted.location.startsWith(client.redirectUri)) return posted;
  return follow(agent, node, posted.location);
}

async function begin() {
  const checks = { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: oidc.randomState(), expectedNonce: oidc.randomNonce() };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: client.redirectUri, scope: 'openid', state: checks.expectedState, nonce: checks.expectedNonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(checks.pkceCodeVerifier), code_challenge_method: 'S256',
  });
  return { url: url.href, checks };
}

/** A browser that has given the password (each step on the node named) and sees the code page. */
async function toCodePage(username: string, authorizeOn: Node, passwordOn: Node) {
  const agent = new UserAgent(issuer);
  const { url, checks } = await begin();
  const login = await follow(agent, authorizeOn, url);
  expect(login.html).toContain('name="password"');
  const codePage = await submit(agent, passwordOn, login, /\/login$/, { username, password });
  expect(codePage.html).toContain('Verify your identity');
  return { agent, codePage, checks };
}

const codeNow = (username: string) => totpCode(seeds.get(username)!.secret, Date.now() / 1000);

/** Exchanges the code at one node's token endpoint. */
function exchangeAt(node: Node, callback: string, checks: { pkceCodeVerifier: string; expectedState: string; expectedNonce: string }) {
  const metadata = JSON.parse(JSON.stringify(config.serverMetadata())) as oidc.ServerMetadata;
  const atNode = new oidc.Configuration({ ...metadata, token_endpoint: via(node, metadata.token_endpoint!) }, client.clientId, undefined, oidc.ClientSecretBasic(client.secret));
  oidc.allowInsecureRequests(atNode);
  return oidc.authorizationCodeGrant(atNode, new URL(callback), checks);
}

test('a sign-in started on one node is finished on the other: password, code and token exchange', async () => {
  const { agent, codePage, checks } = await toCodePage('ann', a, b);
  const back = await submit(agent, b, codePage, /\/mfa\/verify$/, { code: await codeNow('ann') });
  expect(back.location).toMatch(/^https:\/\/rp\.example\.com\/callback\?code=/);
  const tokens = await exchangeAt(b, back.location!, checks);
  expect(tokens.claims()).toMatchObject({ iss: issuer, sub: seeds.get('ann')!.id, amr: ['pwd', 'otp', 'mfa'] });
});

test('a code accepted on one node is refused on the other', async () => {
  const code = await codeNow('ben');
  const first = await toCodePage('ben', a, a);
  const accepted = await submit(first.agent, a, first.codePage, /\/mfa\/verify$/, { code });
  expect(accepted.location).toMatch(/^https:\/\/rp\.example\.com\/callback\?code=/);
  const second = await toCodePage('ben', b, b);
  const refused = await submit(second.agent, b, second.codePage, /\/mfa\/verify$/, { code });
  expect(refused.status).toBe(401);
  expect(alertText(refused.html)).toMatch(/didn't work/);
});

test('one code sent to both nodes at the same moment is accepted exactly once', async () => {
  for (const username of ['cat', 'dan', 'eve']) {
    const [onA, onB] = await Promise.all([toCodePage(username, a, a), toCodePage(username, b, b)]);
    const code = await codeNow(username);
    const results = await Promise.all([
      submit(onA.agent, a, onA.codePage, /\/mfa\/verify$/, { code }),
      submit(onB.agent, b, onB.codePage, /\/mfa\/verify$/, { code }),
    ]);
    const accepted = results.filter((page) => page.location?.startsWith(`${client.redirectUri}?code=`));
    const refused = results.filter((page) => page.status === 401);
    expect([username, accepted.length, refused.length]).toEqual([username, 1, 1]);
    expect(alertText(refused[0]!.html)).toMatch(/didn't work/);
  }
  // The store's record agrees: for each person one success and one replay, whichever node won.
  await withStore(dataDir, async (store) => {
    for (const username of ['cat', 'dan', 'eve']) {
      const verifies = (await store.audit.tail({ accountId: seeds.get(username)!.id, limit: 50 })).filter((e) => e.type === 'mfa.verify');
      expect([username, verifies.map((e) => `${e.result} ${e.reason ?? ''}`.trim()).sort()]).toEqual([username, [expect.stringMatching(/^fail /), expect.stringMatching(/^ok/)]]);
    }
  });
});

test('a push started on one node is answered through the other, and the browser waiting on the first continues', async () => {
  // The phone holds its event stream on node B (its connection went there); the browser is on A.
  const controller = new AbortController();
  const heard: DeviceRequest[] = [];
  const onB = { ...pushPerson.device, server: b.origin };
  const stream = listen(onB, (request) => heard.push(request), { signal: controller.signal });
  try {
    const agent = new UserAgent(issuer);
    const { url, checks } = await begin();
    const login = await follow(agent, a, url);
    const pushPage = await submit(agent, a, login, /\/login$/, { username: pushPerson.username, password });
    expect(pushPage.html).toContain('Open your Authenticator app and enter the number shown to sign in');
    const number = /id="push-number"[^>]*>(\d{2})</.exec(pushPage.html)?.[1];
    expect(number).toMatch(/^\d{2}$/);

    // Node A wrote the request to the store; node B's stream finds it there.
    for (let i = 0; i < 100 && !heard.length; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ clientName: client.clientId, ip: expect.stringMatching(/127\.0\.0\.1/) });

    // Before the answer the browser on A is told to wait; the phone answers through B.
    const statusUrl = via(a, pushPage.url.replace(/\/mfa$/, '/mfa/status'));
    expect(JSON.parse((await agent.get(statusUrl)).html)).toEqual({ status: 'pending' });
    expect(await answer(onB, heard[0]!.id, 'approve', number!)).toBe('approved');
    // A's status page, which the waiting browser polls, sees B's answer; Continue on A finishes.
    expect(JSON.parse((await agent.get(statusUrl)).html)).toEqual({ status: 'answered' });
    const back = await submit(agent, a, pushPage, /\/mfa\/verify$/, {});
    expect(back.location).toMatch(/^https:\/\/rp\.example\.com\/callback\?code=/);
    const tokens = await exchangeAt(a, back.location!, checks);
    expect(tokens.claims()).toMatchObject({ iss: issuer, sub: pushPerson.id, amr: ['pwd', 'swk', 'mfa'] });

    // The answer is spent: the same approval sent again, through either node, is refused.
    for (const node of [a, b]) await expect(answer({ ...onB, server: node.origin }, heard[0]!.id, 'approve', number!)).rejects.toMatchObject({ status: 409 });
  } finally {
    controller.abort();
    await stream;
  }
});
