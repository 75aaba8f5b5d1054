// TWOFOLD_WORKERS=2 and the authenticator: two event streams opened on new connections (which
// the primary hands to the two workers in turn) both receive a request that one process
// started, because each stream watches the shared store (SQLite: by polling it), not its process's memory.
import { jest } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { hashPassword } from '../../src/accounts/password.js';
import { type AuthenticatorAccount, listen } from '../../src/authenticator/client.js';
import { registerClient } from '../../src/clients/registerClient.js';
import { policyWith, tempDir } from '../helpers/server.js';
import { withStore } from '../helpers/storeAccess.js';
import { UserAgent } from '../helpers/userAgent.js';
import { startWorkers } from '../helpers/workers.js';

jest.setTimeout(90_000);

const dataDir = tempDir();
const policyDir = join(dataDir, 'policies');
let primary: ChildProcess;

let issuer: string;
const client = { clientId: 'push-workers', name: 'Two Workers App', redirectUri: 'https://rp.example.com/callback' };
const person = { username: 'push-worker-person', password: 'a long enough password' };
let device: AuthenticatorAccount;

beforeAll(async () => {
  mkdirSync(policyDir, { recursive: true });
  writeFileSync(join(policyDir, 'policy.yaml'), policyWith('require: mfa\nmethods: [push]\nenrollment: required'));
  ({ primary, issuer } = await startWorkers({ TWOFOLD_DATA_DIR: dataDir, TWOFOLD_POLICIES: policyDir, TWOFOLD_PUSH_STREAM_POLL: '300' }));
  // A person whose phone was set up earlier: its public key is what the server keeps.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  await withStore(dataDir, async (store) => {
    const { id } = await store.accounts.create({ username: person.username, passwordHash: await hashPassword(person.password) });
    await store.credentials.add({ accountId: id, method: 'push', label: 'Phone', externalId: 'device-1', data: { publicKey: { kty, crv, x, y }, name: 'Phone' } });
    await registerClient(store.clients, { clientId: client.clientId, name: client.name, public: true, firstParty: true, redirectUris: [client.redirectUri] });
  });
  device = { server: issuer, issuer: 'Twofold', account: person.username, deviceId: 'device-1', name: 'Phone', privateKey: privateKey.export({ format: 'jwk' }), totp: null };
});

afterAll(async () => {
  if (primary.exitCode === null) {
    primary.kill('SIGTERM');
    await new Promise((done) => primary.once('exit', done));
  }
});

test('a request started by one process reaches event streams held by both workers', async () => {
  const controller = new AbortController();
  const seen: string[][] = [[], []];
  // Two streams, each on a new connection: the primary gives them to the workers in turn.
  const streams = seen.map((list) => listen(device, (request) => list.push(request.clientName ?? ''), { signal: controller.signal }));
  await new Promise((resolve) => setTimeout(resolve, 500));

  const config = await oidc.discovery(new URL(issuer), client.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: client.redirectUri, scope: 'openid', state: oidc.randomState(), nonce: oidc.randomNonce(),
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const agent = new UserAgent(issuer);
  const login = await agent.follow(url.href, client.redirectUri);
  const page = await agent.submit(login, /\/login$/, { username: person.username, password: person.password }, client.redirectUri);
  expect(page.html).toContain('Open your Authenticator app and enter the number shown to sign in');

  for (let i = 0; i < 50 && seen.some((list) => !list.length); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  controller.abort();
  await Promise.all(streams);
  expect(seen).toEqual([[client.name], [client.name]]);
});
