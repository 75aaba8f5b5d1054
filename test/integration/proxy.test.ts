// Behind a TLS-terminating proxy, the client address comes from the proxy's end of
// X-Forwarded-For, so a client cannot claim to be on the office network.
import { createAccount } from '../../src/accounts/createAccount.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let rp: RelyingParty;
beforeAll(async () => {
  server = await startTestServer({ trustProxy: true }, { policy: `version: 1
defaults: { require: mfa, methods: [totp] }
rules:
  - name: office network
    when: { network: [203.0.113.0/24] }
    require: none
` });
  await createAccount(server.store.accounts, { username: 'alice', password });
  rp = await createRelyingParty(server);
});
afterAll(() => server.stop());

/** Signs in as a proxy would pass the request on: what the client sent, then the client's real address. */
async function signInVia(forwardedFor: string) {
  const agent = new UserAgent(server.issuer);
  agent.headers['x-forwarded-for'] = forwardedFor;
  return (await signInWithPassword(agent, rp, 'alice', password)).page;
}

test('a client in the office, as the proxy saw it, signs in with a password alone', async () => {
  expect((await signInVia('203.0.113.9')).location).toMatch(/\?code=/);
});

test('a client elsewhere that claims an office address in its own X-Forwarded-For still needs a second factor', async () => {
  const page = await signInVia('203.0.113.9, 198.51.100.7');
  expect(page.html).toContain('More information required');
  expect((await server.store.audit.tail({ limit: 1 }))[0]).toMatchObject({ type: 'policy', ip: '198.51.100.7', rule: 'defaults' });
});
