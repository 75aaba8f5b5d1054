// Recovery codes with openid-client as the relying party: made with the first method, used
// through "Use a different verification option", each once, a new set voiding the old; and an
// administrator's `user reset-mfa` sending the person through setup again.
import { createAccount } from '../../src/accounts/createAccount.js';
import { acrMfa } from '../../src/provider/acr.js';
import { twofold } from '../helpers/cli.js';
import { appCode, enrollApp, enterCode } from '../helpers/mfa.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policies, startTestServer, type TestServer } from '../helpers/server.js';
import { alertText, noticeText, type Page, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let rp: RelyingParty;
beforeAll(async () => {
  server = await startTestServer({}, { policy: policies.mfaWithRecovery });
  rp = await createRelyingParty(server);
});
afterAll(() => server.stop());

let people = 0;
async function enrolledPerson() {
  const username = `keeper${++people}`;
  const account = await createAccount(server.store.accounts, { username, password });
  const agent = new UserAgent(server.issuer);
  const { page: intro } = await signInWithPassword(agent, rp, username, password);
  const { secret, recoveryCodes, confirmation } = await enrollApp(agent, intro, server, rp.redirectUri);
  return { username, account, secret, recoveryCodes, confirmation };
}

/** Signs in with the password, then picks "Use a recovery code" from the other options. */
async function toRecoveryCodePage(username: string) {
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, username, password);
  expect(page.html).toContain('Verify your identity');
  const options = await agent.follow(new URL('options', `${page.url}/`).href);
  expect(options.html).toContain('Use a recovery code');
  const credential = /name="credential" value="([^"]+)">\s*<button type="submit" class="link">Use a recovery code/.exec(options.html)![1]!;
  const codePage = await agent.submit(options, /\/mfa\/choose$/, { credential }, rp.redirectUri);
  expect(codePage.html).toContain('<label for="code">Recovery code</label>');
  return { agent, codePage, checks };
}

async function useCode(agent: UserAgent, codePage: Page, code: string) {
  return enterCode(agent, codePage, code, rp.redirectUri);
}

test('the first setup ends with ten recovery codes, shown once, and the codes sign in once each', async () => {
  const { username, account, recoveryCodes, confirmation } = await enrolledPerson();
  expect(confirmation.html).toContain('<h1>Save your recovery codes</h1>');
  expect(recoveryCodes).toHaveLength(10);

  const { agent, codePage, checks } = await toRecoveryCodePage(username);
  const done = await useCode(agent, codePage, recoveryCodes[0]!);
  expect(noticeText(done.html)).toBe('You used a recovery code. You have 9 left.');
  const back = await agent.submit(done, /\/mfa\/done$/, {}, rp.redirectUri);
  expect((await rp.finish(back.location!, checks)).claims()).toMatchObject({ sub: account.id, amr: ['pwd', 'otp', 'mfa'], acr: acrMfa });

  // The same code a second time: one generic message, and the log says why.
  const again = await toRecoveryCodePage(username);
  const refused = await useCode(again.agent, again.codePage, recoveryCodes[0]!);
  expect(refused.status).toBe(401);
  expect(alertText(refused.html)).toBe("That recovery code didn't work. Check it and try again.");
  const reasons = (await server.store.audit.tail({ accountId: account.id, limit: 50 })).filter((e) => e.type === 'mfa.verify' && e.method === 'recovery').map((e) => `${e.result} ${e.reason ?? ''}`.trim());
  expect(reasons).toEqual(['ok You used a recovery code. You have 9 left.', 'fail replayed']);
});

test('a new set from security info voids the old one', async () => {
  const { username, secret, recoveryCodes } = await enrolledPerson();
  const agent = new UserAgent(server.issuer);
  const callback = `${server.issuer}/account/callback`;
  let page = await agent.follow('/account/security', callback);
  page = await agent.submit(page, /\/login$/, { username, password }, callback);
  page = await enterCode(agent, page, await appCode(server, secret), callback);
  page = await agent.follow(page.location!);
  expect(page.html).toContain('10 of 10 codes left');
  const fresh = await agent.submit(page, '/account/security/recovery-codes');
  expect(fresh.html).toContain('<h1>Save your recovery codes</h1>');
  const newCodes = [...fresh.html.matchAll(/<li><code>([0-9a-z-]{19})<\/code><\/li>/g)].map((m) => m[1]!);
  expect(newCodes).toHaveLength(10);
  expect(newCodes).not.toContain(recoveryCodes[0]);

  const old = await toRecoveryCodePage(username);
  expect((await useCode(old.agent, old.codePage, recoveryCodes[1]!)).status).toBe(401);
  const current = await toRecoveryCodePage(username);
  const done = await useCode(current.agent, current.codePage, newCodes[1]!);
  expect(noticeText(done.html)).toBe('You used a recovery code. You have 9 left.');
});

test('after an administrator resets the second factor, the next sign-in sets one up again', async () => {
  const { username, account, secret } = await enrolledPerson();
  expect((await twofold(server.dataDir, ['user', 'reset-mfa', username])).code).toBe(0);
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, username, password);
  expect(page.html).toContain('More information required');
  const { secret: newSecret, recoveryCodes, done } = await enrollApp(agent, page, server, rp.redirectUri);
  expect(newSecret).not.toBe(secret);
  expect(recoveryCodes).toHaveLength(10);
  expect((await server.store.credentials.list(account.id)).map((c) => c.method)).toEqual(['totp', 'recovery']);
  expect((await rp.finish(done.location!, checks)).claims()).toMatchObject({ sub: account.id, amr: ['pwd', 'otp', 'mfa'] });
});

describe('what a recovery code does not earn (review findings)', () => {
  test('a session proved by a recovery code does not satisfy an application whose policy leaves recovery codes out', async () => {
    const strict = await createRelyingParty(server, { clientId: 'totp-only' });
    server.setPolicy(`version: 1
defaults: { require: mfa, methods: [totp, recovery], remember: 0 }
rules:
  - name: app codes only
    when: { clients: [totp-only] }
    methods: [totp]
`);
    try {
      const { username, recoveryCodes } = await enrolledPerson();
      const { agent, codePage } = await toRecoveryCodePage(username);
      const done = await useCode(agent, codePage, recoveryCodes[2]!);
      await agent.submit(done, /\/mfa\/done$/, {}, rp.redirectUri);
      // The same browser at the stricter application: asked for its authenticator app.
      const { url } = await strict.begin();
      const page = await agent.follow(url, strict.redirectUri);
      expect(page.html).toContain('Verify your identity');
      expect(page.html).toContain('Authenticator app');
    } finally {
      server.setPolicy(policies.mfaWithRecovery);
    }
  });

  test('a max_age re-authentication with the second factor alone offers the person\'s own methods, never a recovery code', async () => {
    const { username, secret } = await enrolledPerson();
    const agent = new UserAgent(server.issuer);
    const first = await signInWithPassword(agent, rp, username, password);
    await enterCode(agent, first.page, await appCode(server, secret), rp.redirectUri);
    server.clock.advance(30_000);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const { url, checks } = await rp.begin({ max_age: '1' });
    const prompt = await agent.follow(url, rp.redirectUri);
    expect(prompt.html).toContain('Verify your identity');
    const options = await agent.follow(new URL('options', `${prompt.url}/`).href);
    expect(options.html).toContain('Authenticator app');
    expect(options.html).not.toContain('Use a recovery code');
    const back = await enterCode(agent, prompt, await appCode(server, secret), rp.redirectUri);
    expect((await rp.finish(back.location!, checks)).claims()).toMatchObject({ amr: ['otp'], acr: acrMfa });
  });

  test('a proof waiting on its confirmation page no longer counts once an administrator resets the account; the codes show once', async () => {
    const { username, recoveryCodes } = await enrolledPerson();
    const { agent, codePage } = await toRecoveryCodePage(username);
    const done = await useCode(agent, codePage, recoveryCodes[5]!);
    expect((await twofold(server.dataDir, ['user', 'reset-mfa', username])).code).toBe(0);
    const after = await agent.submit(done, /\/mfa\/done$/, {}, rp.redirectUri);
    expect(after.location).toBeUndefined();
    expect(after.html).toContain('More information required');
  });

  test('the recovery codes of a first setup are shown once: a reload does not show them again', async () => {
    const username = `reloader${++people}`;
    await createAccount(server.store.accounts, { username, password });
    const agent = new UserAgent(server.issuer);
    const { page: intro } = await signInWithPassword(agent, rp, username, password);
    const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, {}, rp.redirectUri);
    const { setupKey } = await import('../helpers/mfa.js');
    const shown = await agent.submit(setup, /\/mfa\/enroll\/finish$/, { code: await appCode(server, setupKey(setup.html)) }, rp.redirectUri);
    expect([...shown.html.matchAll(/<li><code>[0-9a-z-]{19}<\/code><\/li>/g)]).toHaveLength(10);
    const reloaded = await agent.get(shown.url);
    expect(reloaded.html).not.toMatch(/<li><code>[0-9a-z-]{19}<\/code><\/li>/);
    expect(reloaded.html).toContain('Your recovery codes were shown once');
    server.clock.advance(30_000);
  });
});

test('after a first method, the confirmation suggests a second way to verify where the policy offers one', async () => {
  server.setPolicy(`version: 1
defaults: { require: mfa, methods: [totp, sms, recovery], remember: 0 }
rules: []
`);
  try {
    const { confirmation } = await enrolledPerson();
    expect(confirmation.html).toMatch(/<p id="backup-suggestion">We recommend a second way to verify it's you, such as a phone/);
  } finally {
    server.setPolicy(policies.mfaWithRecovery);
  }
  const { confirmation } = await enrolledPerson();
  expect(confirmation.html).not.toContain('backup-suggestion');
});
