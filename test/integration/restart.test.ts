// A restart keeps accounts, clients, signing keys and sessions: a signed-in browser stays signed in.
import type { AddressInfo } from 'node:net';
import { createAccount } from '../../src/accounts/createAccount.js';
import { createRelyingParty, signInWithPassword } from '../helpers/rp.js';
import { startTestServer, tempDir } from '../helpers/server.js';
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
