// Security notifications by email: a change to how someone signs in is mailed to them. Outside
// production without SMTP they land in the development outbox (/dev/outbox and its JSON view);
// in production there is no outbox.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAccount } from '../../src/accounts/createAccount.js';
import { registerClient } from '../../src/clients/registerClient.js';
import * as oidc from 'openid-client';
import { generateSigningKeys } from '../../src/config/keys.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

interface OutboxEmail { to: string; from: string; subject: string; text: string }
const outbox = async (server: TestServer) => ((await (await fetch(`${server.issuer}/dev/outbox.json`)).json()) as { emails: OutboxEmail[] }).emails;

describe('in development', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ mailFrom: 'Example IT <it@example.com>', adminApiClients: ['automation'] });
    const { client } = await registerClient(server.store.clients, { clientId: 'automation', name: 'automation', public: false, firstParty: true, redirectUris: [], grantTypes: ['client_credentials'] });
    const config = await oidc.discovery(new URL(server.issuer), 'automation', {}, oidc.ClientSecretBasic(client.secret!), { execute: [oidc.allowInsecureRequests] });
    token = (await oidc.clientCredentialsGrant(config, { scope: 'twofold:admin' })).access_token;
  });
  afterAll(() => server.stop());
  const api = (method: string, path: string, body?: unknown) => fetch(`${server.issuer}/admin/api${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  });

  test("an administrator's one-time bypass and a removed method are mailed to the person; other changes are not", async () => {
    const { id } = await createAccount(server.store.accounts, { username: 'nora', password: 'correct horse battery staple', email: 'nora@example.com', displayName: 'Nora' });
    const credential = await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Phone', secret: 'JBSWY3DPEHPK3PXP' });
    expect((await api('POST', `/users/${id}/bypass`, { minutes: 5 })).status).toBe(201);
    expect((await api('PATCH', `/users/${id}`, { displayName: 'Nora N.' })).status).toBe(200);
    expect((await api('DELETE', `/users/${id}/methods/${credential.id}`)).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const emails = (await outbox(server)).filter((email) => email.to === 'nora@example.com');
    expect(emails.map((email) => email.text.split('\n')[2])).toEqual([
      'An administrator removed Authenticator app from your sign-in methods.',
      'An administrator issued a one-time bypass: your next sign-in within a few minutes skips the second factor.',
    ]);
    expect(emails[0]).toMatchObject({ from: 'Example IT <it@example.com>', subject: 'Twofold: security activity on your account' });
    expect(emails[0]!.text).toMatch(/^Hello Nora N\.,/);
    const page = await fetch(`${server.issuer}/dev/outbox`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('An administrator issued a one-time bypass');
  });

  test('someone without an email address gets none, and the change is made all the same', async () => {
    const { id } = await createAccount(server.store.accounts, { username: 'olaf', password: 'correct horse battery staple' });
    const before = (await outbox(server)).length;
    expect((await api('POST', `/users/${id}/bypass`, {})).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await outbox(server)).length).toBe(before);
  });
});

test('in production there is no development outbox', async () => {
  const dataDir = tempDir();
  const signingKeysFile = join(dataDir, 'jwks.json');
  writeFileSync(signingKeysFile, JSON.stringify(generateSigningKeys()));
  const server = await startTestServer({
    nodeEnv: 'production', issuer: 'https://idp.example.com', cookieKeys: randomBytes(32).toString('base64url'), signingKeysFile, encryptionKey: randomBytes(32).toString('base64'),
  }, { dataDir });
  try {
    const local = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
    for (const path of ['/dev/outbox', '/dev/outbox.json']) expect((await fetch(`${local}${path}`)).status).toBe(404);
  } finally {
    await server.stop();
  }
});
