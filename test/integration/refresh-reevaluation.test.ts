// A refresh is re-evaluated every time: a person and application the policy now blocks, a
// disabled account, or an account whose sessions an administrator ended get invalid_grant,
// and the refusal is audited.
import * as oidc from 'openid-client';
import { createAccount } from '../../src/accounts/createAccount.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policies, policyWith, startTestServer, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let payroll: RelyingParty;
let wiki: RelyingParty;
beforeAll(async () => {
  server = await startTestServer({}, { policy: policies.passwordOnly });
  payroll = await createRelyingParty(server, { clientId: 'payroll' });
  wiki = await createRelyingParty(server, { clientId: 'wiki' });
});
afterAll(() => server.stop());
afterEach(() => server.setPolicy(policies.passwordOnly));

let people = 0;
/** A person signed in to an application with offline access: the browser and the refresh token. */
async function signedIn(rp: RelyingParty, username = `refresher${++people}`) {
  const account = (await server.store.accounts.findByUsername(username)) ?? (await createAccount(server.store.accounts, { username, password }));
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, username, password, { scope: 'openid offline_access', prompt: 'consent' });
  const tokens = await rp.finish(page.location!, checks);
  expect(tokens.refresh_token).toBeDefined();
  return { agent, id: account.id, username, refreshToken: tokens.refresh_token! };
}

const lastAudit = async () => (await server.store.audit.tail({ limit: 1 }))[0];

test('a refresh the policy now blocks gets invalid_grant and is audited; other applications still refresh', async () => {
  const { id, username, refreshToken } = await signedIn(payroll);
  const atWiki = await signedIn(wiki, username);
  expect((await oidc.refreshTokenGrant(payroll.config, refreshToken)).access_token).toBeDefined();

  server.setPolicy(policyWith('require: none', `
  - name: payroll is closed
    when: { clients: [payroll] }
    require: block`));
  await expect(oidc.refreshTokenGrant(payroll.config, refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  expect(await lastAudit()).toMatchObject({ type: 'refresh', result: 'fail', accountId: id, username, clientId: 'payroll', rule: 'payroll is closed', reason: 'policy blocks this application' });
  expect((await oidc.refreshTokenGrant(wiki.config, atWiki.refreshToken)).access_token).toBeDefined();
});

test('a refresh for a disabled account gets invalid_grant and is audited', async () => {
  const { id, refreshToken } = await signedIn(payroll);
  await server.store.accounts.setDisabled(id, true);
  await expect(oidc.refreshTokenGrant(payroll.config, refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  expect(await lastAudit()).toMatchObject({ type: 'refresh', result: 'fail', accountId: id, clientId: 'payroll', reason: 'account disabled' });
});

test("once an administrator ends an account's sessions, its refresh tokens and browser session are gone", async () => {
  const { agent, id, refreshToken } = await signedIn(payroll);
  const other = await signedIn(payroll);
  expect(await server.store.endAccountSessions(id)).toBeGreaterThanOrEqual(4);

  await expect(oidc.refreshTokenGrant(payroll.config, refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  expect(await lastAudit()).toMatchObject({ type: 'refresh', result: 'fail', clientId: 'payroll', reason: 'refresh token not found' });
  // The browser is asked for the password again rather than let through on its old session.
  const { url } = await payroll.begin();
  expect((await agent.follow(url, payroll.redirectUri)).html).toContain('<h1>Sign in</h1>');
  // Nobody else's sign-in changed.
  expect((await oidc.refreshTokenGrant(payroll.config, other.refreshToken)).access_token).toBeDefined();
});
