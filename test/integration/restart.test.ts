// A restart keeps accounts, clients, signing keys and sessions: a signed-in browser stays signed in.
import type { AddressInfo } from 'node:net';
import { createAccount } from '../../src/accounts/createAccount.js';
import { createRelyingParty, signInWithPassword } from '../helpers/rp.js';
import { appCode, enrollApp, enterCode } from '../helpers/mfa.js';
import { policies, startTestServer, tempDir } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

test('after a restart the same browser is still signed in and tokens verify with the same keys', async () => {
  const dataDir = tempDir();
  const first = await startTestServer({}, { dataDir });
  const port = (first.server.address() as AddressInfo).port;
  const { id } = await createAccount(first.store.accounts, { username: 'alice', password: 'correct horse battery' });
  const rp = await createRelyingParty(first);
  const agent = new UserAgent(first.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, 'alice', 'correct horse battery');
  const firstTokens = await rp.finish(page.location!, checks);
  const jwksBefore = await (await fetch(new URL('/jwks', first.issuer))).json();
  await first.stop({ keepData: true });

  const second = await startTestServer({ port }, { dataDir });
  try {
    expect(second.issuer).toBe(first.issuer);
    expect(await (await fetch(new URL('/jwks', second.issuer))).json()).toEqual(jwksBefore);
    // The relying party keeps its configuration (and its cached keys) from before the restart.
    const { url, checks: again } = await rp.begin({ prompt: 'none' });
    const back = await agent.follow(url, rp.redirectUri);
    const tokens = await rp.finish(back.location!, again);
    expect(tokens.claims()).toMatchObject({ sub: id, auth_time: firstTokens.claims()!.auth_time, amr: ['pwd'] });
  } finally {
    await second.stop();
  }
});

test('a sign-in in progress at a graceful shutdown resumes after the restart: the second factor is answered on the new process', async () => {
  const dataDir = tempDir();
  const first = await startTestServer({}, { dataDir, policy: policies.mfaForAll });
  const port = (first.server.address() as AddressInfo).port;
  const { id } = await createAccount(first.store.accounts, { username: 'bob', password: 'correct horse battery' });
  const rp = await createRelyingParty(first);
  const agent = new UserAgent(first.issuer);
  const { page: intro } = await signInWithPassword(agent, rp, 'bob', 'correct horse battery');
  const { secret } = await enrollApp(agent, intro, first, rp.redirectUri);
  // Signed in again: the password is done, the code page is showing, when the server stops.
  const second = new UserAgent(first.issuer);
  const { page, checks } = await signInWithPassword(second, rp, 'bob', 'correct horse battery');
  expect(page.html).toContain('Verify your identity');
  await first.close({ graceSeconds: 5 });
  // Let the keep-alive sockets fetch pooled see the close before reuse (as stop() does).
  await new Promise((resolve) => setTimeout(resolve, 50));

  const restarted = await startTestServer({ port }, { dataDir, policy: policies.mfaForAll });
  try {
    restarted.clock.advance(60_000);
    const back = await enterCode(second, page, await appCode(restarted, secret), rp.redirectUri);
    const tokens = await rp.finish(back.location!, checks);
    expect(tokens.claims()).toMatchObject({ sub: id, amr: ['pwd', 'otp', 'mfa'] });
  } finally {
    await restarted.stop();
  }
});
