// The authenticator from security info: add it (activation link, confirmation code), rename the
// device, and remove it, which revokes its key at once.
import { generateSecret } from 'otplib';
import { createAccount } from '../../src/accounts/createAccount.js';
import { activate, parseActivationLink, pendingRequests } from '../../src/authenticator/client.js';
import { appCode, enterCode } from '../helpers/mfa.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { noticeText, type Page, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { policy: 'version: 1\ndefaults: { require: mfa, methods: [totp, push] }\nrules: []\n' });
});
afterAll(() => server.stop());

const callback = () => `${server.issuer}/account/callback`;
async function openSecurityInfo(agent: UserAgent, username: string, secret: string): Promise<Page> {
  let page = await agent.follow('/account/security', callback());
  if (page.html.includes('<h1>Sign in</h1>')) page = await agent.submit(page, /\/login$/, { username, password }, callback());
  if (page.html.includes('Verify your identity')) page = await enterCode(agent, page, await appCode(server, secret), callback());
  if (page.location?.startsWith(callback())) page = await agent.follow(page.location);
  return page;
}
const methodLabels = (page: Page) => [...page.html.matchAll(/<li>\s*<strong>([^<]+)<\/strong>/g)].map((m) => m[1]);

test('add the authenticator from security info, rename the device, remove it and its key is refused', async () => {
  const username = 'push-settings';
  const { id } = await createAccount(server.store.accounts, { username, password });
  const secret = generateSecret();
  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Phone', secret });
  const agent = new UserAgent(server.issuer);
  let page = await openSecurityInfo(agent, username, secret);

  const setup = await agent.submit(page, /\/account\/security\/add\/begin$/, { method: 'push' });
  expect(setup.html).toContain('<h1>Add an authenticator app with notifications</h1>');
  expect(setup.html).toContain('src="/public/factors/push/setup.js"');
  const link = /id="activation-link">([^<]+)</.exec(setup.html)![1]!;
  const { account: device, confirmation } = await activate({ ...parseActivationLink(link), name: 'Node' });
  const added = await agent.submit(setup, /\/account\/security\/add$/, { code: confirmation });
  expect(added.status).toBeLessThan(400);

  page = await agent.follow('/account/security');
  expect(methodLabels(page)).toContain('Authenticator app with notifications (Node)');
  expect(methodLabels(page)).toContain('Authenticator app (Node, Twofold Authenticator)');
  expect(await pendingRequests(device, { now: server.clock.now })).toEqual([]);

  // Rename: a bad name is refused and changes nothing; a good one shows at once.
  const pushId = (await server.store.credentials.list(id)).find((c) => c.method === 'push')!.id;
  const bad = await agent.submit(page, `/account/security/push-devices/${pushId}/rename`, { name: '   ' });
  expect(bad.status).toBe(400);
  const renamed = await agent.submit(page, `/account/security/push-devices/${pushId}/rename`, { name: 'Old phone' });
  expect(noticeText(renamed.html)).toBe('The device has its new name.');
  expect(methodLabels(renamed)).toContain('Authenticator app with notifications (Old phone)');
  expect((await server.store.audit.tail({ accountId: id, limit: 50 })).map((e) => [e.type, e.reason]).filter(([t]) => t === 'method.rename')).toEqual([['method.rename', "renamed to 'Old phone'"]]);

  // Remove: the device key is refused at once.
  const confirm = await agent.follow(`/account/security/methods/${pushId}/remove`);
  const removed = await agent.submit(confirm, `/account/security/methods/${pushId}/remove`);
  expect(noticeText(removed.html)).toBe('Authenticator app with notifications (Old phone) was removed. It no longer signs you in.');
  await expect(pendingRequests(device, { now: server.clock.now })).rejects.toMatchObject({ status: 401 });
});
