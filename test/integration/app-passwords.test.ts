// App passwords through the resource-owner password grant, openid-client as the legacy app:
// tokens for a valid app password; the account password refused where MFA is required; a revoked
// app password refused; a client not registered --legacy refused; a policy that forbids app
// passwords; lockout after repeated failures; the audit trail names the app password used.
import * as oidc from 'openid-client';
import { createAccount } from '../../src/accounts/createAccount.js';
import { createAppPassword } from '../../src/accounts/appPasswords.js';
import { registerClient } from '../../src/clients/registerClient.js';
import { defaultRegulationRules } from '../../src/regulation/regulator.js';
import type { ClientInput } from '../../src/clients/clientSchema.js';
import { appCode, enterCode } from '../helpers/mfa.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';
import { acrMfa } from '../../src/provider/acr.js';

const password = 'correct horse battery staple';
const policy = `version: 1
defaults: { require: mfa, methods: [totp] }
rules:
  - name: no app passwords in finance
    when: { groups: [finance] }
    app_passwords: forbidden
  - name: security info from the office
    when: { clients: [twofold-account], groups: [office] }
    require: none
  - name: the kiosk mail app needs one factor
    when: { clients: [kiosk-mail] }
    require: none
`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { policy });
});
afterAll(() => server.stop());

async function app(clientId: string, registration: Partial<ClientInput>) {
  const { client } = await registerClient(server.store.clients, { clientId, name: clientId, ...registration });
  return oidc.discovery(new URL(server.issuer), clientId, {}, oidc.ClientSecretBasic(client.secret!), { execute: [oidc.allowInsecureRequests] });
}
let mail: oidc.Configuration;
beforeAll(async () => {
  mail = await app('mail', { legacy: true });
});

let people = 0;
async function person(groups: string[] = []) {
  const username = `mailer${++people}`;
  const account = await createAccount(server.store.accounts, { username, password, groups });
  const created = await createAppPassword(server.store.appPasswords, account.id, 'Thunderbird');
  if (!created.ok) throw new Error(created.error);
  return { username, account, appPassword: created.password, record: created.record };
}
const grant = (config: oidc.Configuration, username: string, secret: string) => oidc.genericGrantRequest(config, 'password', { username, password: secret, scope: 'openid profile' });
/** The OAuth error the app sees; every invalid_grant says the same, the audit log says why. */
const refusal = (promise: Promise<unknown>) => promise.then(() => 'granted', (error: { error?: string; error_description?: string }) => `${error.error}: ${error.error_description}`);
const refused = 'invalid_grant: grant request is invalid';
const grantEvents = async (accountId: string) => (await server.store.audit.tail({ accountId, limit: 100 })).filter((event) => event.type === 'password.grant');

test('a legacy app gets tokens with an app password, typed with spaces or not; the audit names which one', async () => {
  const { username, account, appPassword, record } = await person();
  const tokens = await grant(mail, username, appPassword.replace(/(.{4})/g, '$1 ').trim().toUpperCase());
  expect(tokens.access_token).toEqual(expect.any(String));
  expect(tokens.claims()).toMatchObject({ sub: account.id, amr: ['pwd'], preferred_username: username });
  const userinfo = await oidc.fetchUserInfo(mail, tokens.access_token, account.id);
  expect(userinfo.sub).toBe(account.id);
  expect(await grantEvents(account.id)).toMatchObject([{ result: 'ok', method: 'app_password', clientId: 'mail', reason: `app password 'Thunderbird' (${record.id})` }]);
  expect((await server.store.appPasswords.list(account.id))[0]!.lastUsedAt).toEqual(expect.any(Number));
});

test('the account password is refused where the policy requires a second factor', async () => {
  const { username, account } = await person();
  expect(await refusal(grant(mail, username, password))).toBe(refused);
  expect((await grantEvents(account.id)).map((event) => [event.result, event.reason])).toEqual([
    ['fail', "account password refused: policy rule 'defaults' requires a second factor, so only an app password will do"],
  ]);
});

test('where no second factor is due, a legacy app may use the account password too', async () => {
  const kiosk = await app('kiosk-mail', { legacy: true });
  const { username, appPassword } = await person();
  expect((await grant(kiosk, username, password)).claims()).toMatchObject({ amr: ['pwd'] });
  expect((await grant(kiosk, username, appPassword)).claims()).toMatchObject({ amr: ['pwd'] });
});

test('a revoked app password no longer works', async () => {
  const { username, account, appPassword, record } = await person();
  expect((await grant(mail, username, appPassword)).access_token).toBeDefined();
  expect(await server.store.appPasswords.remove(account.id, record.id)).toBe(true);
  expect(await refusal(grant(mail, username, appPassword))).toBe(refused);
});

test('a client not registered --legacy cannot use the password grant at all', async () => {
  const modern = await app('modern-mail', { redirectUris: ['https://mail.example.com/cb'] });
  const { username, account, appPassword } = await person();
  expect(await refusal(grant(modern, username, appPassword))).toBe('invalid_request: requested grant type is not allowed for this client');
  expect(await grantEvents(account.id)).toEqual([]);
});

test('a policy rule that forbids app passwords refuses them', async () => {
  const { username, account, appPassword } = await person(['finance']);
  expect(await refusal(grant(mail, username, appPassword))).toBe(refused);
  expect((await grantEvents(account.id))[0]).toMatchObject({ result: 'fail', reason: "app passwords are forbidden by policy rule 'no app passwords in finance', which also requires a second factor: this grant cannot succeed" });
});

test('repeated failures lock the account out of the grant, even for the right app password, until the lock ends', async () => {
  const { username, account, appPassword } = await person();
  for (let i = 0; i < defaultRegulationRules.password.threshold; i++) {
    expect(await refusal(grant(mail, username, 'abcdabcdabcdabcd'))).toBe(refused);
  }
  expect(await refusal(grant(mail, username, appPassword))).toBe(refused);
  expect((await grantEvents(account.id)).at(-1)).toMatchObject({ result: 'fail', reason: 'locked' });
  server.clock.advance(defaultRegulationRules.password.lockSeconds * 1000 + 1000);
  expect((await grant(mail, username, appPassword)).access_token).toBeDefined();
});

test('unknown users and missing fields are refused without saying which', async () => {
  expect(await refusal(grant(mail, 'nobody-here', 'abcdabcdabcdabcd'))).toBe(refused);
  expect(await refusal(oidc.genericGrantRequest(mail, 'password', { username: 'nobody-here' }))).toBe('invalid_request: username and password are required');
});

test('creating an app password on the security-info page needs a fresh second factor; a bad name changes nothing', async () => {
  const { username, account } = await person(['office']);
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  await server.store.credentials.add({ accountId: account.id, method: 'totp', label: 'Phone', secret });
  const callback = `${server.issuer}/account/callback`;
  const agent = new UserAgent(server.issuer);
  // The office rule lets the person see their security info with a password alone...
  let page = await agent.follow('/account/security', callback);
  page = await agent.submit(page, /\/login$/, { username, password }, callback);
  page = await agent.follow(page.location!);
  expect(page.html).toContain('<h2>App passwords</h2>');
  // ...but creating an app password sends them to prove a second factor first, and creates nothing.
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)![1]!;
  const unverified = await agent.post(`${server.issuer}/account/security/app-passwords`, { csrf, name: 'Too soon' });
  expect(unverified.status).toBe(302);
  const signIn = new URL(unverified.location!, server.issuer);
  expect(signIn.pathname).toBe('/auth');
  expect(signIn.searchParams.get('acr_values')).toBe(acrMfa);
  expect(signIn.searchParams.get('prompt')).toBe('login');
  expect(await server.store.appPasswords.list(account.id)).toHaveLength(1);
  // A whole sign-in: the password again, then the code.
  page = await agent.follow(unverified.location!, callback);
  page = await agent.submit(page, /\/login$/, { username, password }, callback);
  page = await enterCode(agent, page, await appCode(server, secret), callback);
  page = await agent.follow(page.location!);

  const unnamed = await agent.submit(page, '/account/security/app-passwords', { name: '   ' });
  expect(unnamed.status).toBe(400);
  expect(unnamed.html).toContain('Give the app password a name, such as the app that will use it.');
  const created = await agent.submit(page, '/account/security/app-passwords', { name: 'Backup script' });
  expect(created.html).toContain('<h1>Your new app password</h1>');
  expect((await server.store.appPasswords.list(account.id)).map((p) => p.name)).toEqual(['Thunderbird', 'Backup script']);
  const audit = (await server.store.audit.tail({ accountId: account.id, limit: 50 })).filter((event) => event.type === 'app_password.create');
  expect(audit).toMatchObject([{ result: 'ok', method: 'app_password' }]);
  expect(audit[0]!.reason).toMatch(/^'Backup script' \(/);
});
