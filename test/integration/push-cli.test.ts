// `twofold authenticator` as the README shows it, against the real server with its own clock
// (the command signs reads with the machine's time).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createAccount } from '../../src/accounts/createAccount.js';
import { twofold } from '../helpers/cli.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policyWith, startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let rp: RelyingParty;
let people = 0;

beforeAll(async () => {
  server = await startTestServer({}, { policy: policyWith('require: mfa\nmethods: [push, totp]\nenrollment: required') });
  rp = await createRelyingParty(server, { name: 'Team Wiki' });
});
afterAll(() => server.stop());

const activationLink = (html: string) => /id="activation-link">([^<]+)</.exec(html)![1]!.replace(/&amp;/g, '&');

test('the command, as the README shows it: activate from the link, confirm, see the request, approve, read a code', async () => {
  const username = `push-cli${++people}`;
  await createAccount(server.store.accounts, { username, password });
  const file = join(tempDir(), 'cli-accounts.json');
  const agent = new UserAgent(server.issuer);
  const { page: intro, checks } = await signInWithPassword(agent, rp, username, password);
  const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, { method: 'push' }, rp.redirectUri);
  const activated = await twofold(server.dataDir, ['authenticator', 'activate', activationLink(setup.html), '--name', 'build server', '--file', file]);
  expect(activated.code).toBe(0);
  expect(activated.out[0]).toBe(`added ${username} at Twofold as 'build server'`);
  const confirmation = /^confirmation code: (\d{6})$/.exec(activated.out[1]!)![1]!;
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const done = await agent.submit(setup, /\/mfa\/enroll\/finish$/, { code: confirmation }, rp.redirectUri);
  const back = await agent.submit(done, /\/mfa\/done$/, {}, rp.redirectUri);
  expect((await rp.finish(back.location!, checks)).claims()).toMatchObject({ amr: ['pwd', 'swk', 'mfa'] });

  expect((await twofold(server.dataDir, ['authenticator', 'list', '--file', file])).out[1]).toMatch(new RegExp(`^${username}\\s+Twofold\\s+${server.issuer.replace(/[.]/g, '\\.')}\\s+build server$`));
  expect(await twofold(server.dataDir, ['authenticator', 'pending', '--file', file])).toMatchObject({ code: 0, out: ['no requests'] });
  const code = await twofold(server.dataDir, ['authenticator', 'code', '--file', file]);
  expect(code.out[0]).toMatch(/^\d{6}$/);
}, 30_000);

test('the command approves a request with the number shown, and says when a number is wrong', async () => {
  const username = `push-cli${++people}`;
  await createAccount(server.store.accounts, { username, password });
  const file = join(tempDir(), 'cli-accounts.json');
  const agent = new UserAgent(server.issuer);
  const { page: intro } = await signInWithPassword(agent, rp, username, password);
  const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, { method: 'push' }, rp.redirectUri);
  const activated = await twofold(server.dataDir, ['authenticator', 'activate', activationLink(setup.html), '--file', file]);
  const confirmation = /^confirmation code: (\d{6})$/.exec(activated.out[1]!)![1]!;
  await agent.submit(setup, /\/mfa\/enroll\/finish$/, { code: confirmation }, rp.redirectUri);

  for (const right of [false, true]) {
    const signIn = new UserAgent(server.issuer);
    const { page, checks } = await signInWithPassword(signIn, rp, username, password);
    const number = /id="push-number"[^>]*>(\d{2})</.exec(page.html)![1]!;
    const listed = await twofold(server.dataDir, ['authenticator', 'pending', '--file', file]);
    expect(listed.out[0]).toMatch(/^REQUEST\s+APPLICATION\s+ADDRESS\s+BROWSER\s+TIME$/);
    expect(listed.out[1]).toContain('Team Wiki');
    const id = listed.out[1]!.split(/\s+/)[0]!;
    const typed = right ? number : number === '10' ? '11' : '10';
    expect((await twofold(server.dataDir, ['authenticator', 'approve', id, typed, '--file', file])).out).toEqual([right ? 'approved' : 'denied: that was not the number shown']);
    const result = await signIn.submit(page, /\/mfa\/verify$/, {}, rp.redirectUri);
    if (right) expect((await rp.finish(result.location!, checks)).claims()).toMatchObject({ amr: ['pwd', 'swk', 'mfa'] });
    else expect(result.html).toContain('This sign-in was denied, so we stopped it.');
    server.clock.advance(31_000);
  }
});
