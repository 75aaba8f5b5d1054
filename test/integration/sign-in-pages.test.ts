// The sign-in pages' context and way out, over HTTP with openid-client as the relying party:
// wrong codes while setting up count down like sign-in codes, "Not you?" starts a sign-in over
// (behind the CSRF check), "Add another method" is only for a
// setup just made, and a relying party's Back lands on a link to it.
import { createAccount } from '../../src/accounts/createAccount.js';
import { enrollApp } from '../helpers/mfa.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policies, startTestServer, type TestServer } from '../helpers/server.js';
import { alertText, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let rp: RelyingParty;

beforeAll(async () => {
  server = await startTestServer({}, { policy: policies.mfaForAll });
  rp = await createRelyingParty(server, { clientId: 'pages-app', name: 'Pages App' });
});
afterAll(() => server.stop());

let people = 0;
const newPerson = async () => {
  const username = `pages${++people}`;
  const account = await createAccount(server.store.accounts, { username, password });
  return { username, id: account.id };
};

test('wrong codes while setting up say how many tries remain once 3 or fewer do', async () => {
  const { username, id } = await newPerson();
  const agent = new UserAgent(server.issuer);
  const { page: intro } = await signInWithPassword(agent, rp, username, password);
  const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, {}, rp.redirectUri);
  const messages: (string | undefined)[] = [];
  for (let i = 0; i < 9; i++) messages.push(alertText((await agent.submit(setup, /\/mfa\/enroll\/finish$/, { code: '000000' }, rp.redirectUri)).html));
  const failed = "That code didn't work. Check the code and try again.";
  expect(messages).toEqual([...Array(6).fill(failed), `${failed} You have 3 tries left before verification is locked.`,
    `${failed} You have 2 tries left before verification is locked.`, `${failed} You have 1 try left before verification is locked.`]);
  expect(await server.store.credentials.list(id)).toEqual([]);

  // The tenth locks: the setup form is disabled, says when it opens again, and gives a reference.
  const locked = await agent.submit(setup, /\/mfa\/enroll\/finish$/, { code: '000000' }, rp.redirectUri);
  expect(alertText(locked.html)).toBe('Too many failed attempts. Try again in 15 minutes.');
  expect(locked.html).toContain('<fieldset class="plain" disabled>');
  expect(locked.html).toMatch(/<p class="locked-until" id="locked-until">You can try again at <time datetime="[^"]+">\d\d:\d\d UTC<\/time>\.<\/p>/);
  expect(locked.html).toMatch(/quote this reference: <span class="reference">[0-9A-Z]{4}-[0-9A-Z]{4}<\/span>/);
  const reload = await agent.get(setup.url);
  expect(reload.html).toContain('<fieldset class="plain" disabled>');
});

test('"Not you?" forgets the sign-in so far and shows the password page; the audit log says so', async () => {
  const { username } = await newPerson();
  const agent = new UserAgent(server.issuer);
  const { page: intro } = await signInWithPassword(agent, rp, username, password);
  expect(intro.html).toMatch(new RegExp(`Signing in as <strong>${username}</strong> —`));
  const restarted = await agent.submit(intro, /\/mfa\/start-over$/, {}, rp.redirectUri);
  expect(restarted.html).toContain('<h1>Sign in</h1>');
  // The interaction's second-factor pages no longer belong to anyone.
  const uid = /\/interaction\/([\w-]+)/.exec(intro.url)![1];
  expect((await agent.get(`/interaction/${uid}/mfa/enroll`)).status).toBe(400);
  const events = await server.store.audit.tail({ limit: 20 });
  expect(events.filter((event) => event.username === username && event.type === 'sign-in').map((event) => [event.result, event.reason]))
    .toEqual([['info', 'started over: "not you?" on the second-factor page']]);
});

test('"Not you?" without the form\'s CSRF token changes nothing', async () => {
  const { username } = await newPerson();
  const agent = new UserAgent(server.issuer);
  const { page: intro } = await signInWithPassword(agent, rp, username, password);
  const uid = /\/interaction\/([\w-]+)/.exec(intro.url)![1];
  expect((await agent.post(`/interaction/${uid}/mfa/start-over`, {})).status).toBe(403);
  expect((await agent.get(`/interaction/${uid}/mfa/enroll`)).html).toContain('<h1>More information required</h1>');
});

test('"Add another method" is refused where no setup was just made', async () => {
  const { username } = await newPerson();
  const agent = new UserAgent(server.issuer);
  const { page: intro } = await signInWithPassword(agent, rp, username, password);
  const uid = /\/interaction\/([\w-]+)/.exec(intro.url)![1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(intro.html)![1]!;
  const refused = await agent.post(`/interaction/${uid}/mfa/enroll/another`, { csrf });
  expect(refused.status).toBe(400);
  expect(refused.html).toContain('There is nothing to add to here.');
});

test('Back to a finished sign-in page links to the application\'s registered address', async () => {
  const { username } = await newPerson();
  const agent = new UserAgent(server.issuer);
  const { page: intro, checks } = await signInWithPassword(agent, rp, username, password);
  const { done } = await enrollApp(agent, intro, server, rp.redirectUri);
  await rp.finish(done.location!, checks);
  const back = await agent.get(intro.url);
  expect(back.status).toBe(400);
  expect(back.html).toContain('This sign-in page has expired or was already used.');
  expect(back.html).toContain('<a href="https://rp.example.com/">Go back to Pages App</a>');
  // Another browser, without this one's cookie, is sent home.
  const stranger = await new UserAgent(server.issuer).get(intro.url);
  expect(stranger.html).toContain('<a href="/">Go to the Twofold home page</a>');
});

test('a locked password gives a reference the audit log holds, for known and unknown usernames alike', async () => {
  const { username } = await newPerson();
  for (const name of [username, 'nobody-by-this-name']) {
    const agent = new UserAgent(server.issuer);
    const { url } = await rp.begin();
    const page = await agent.follow(url, rp.redirectUri);
    for (let i = 0; i < 10; i++) expect((await agent.submit(page, /\/login$/, { username: name, password: 'not the password' })).status).toBe(401);
    const locked = await agent.submit(page, /\/login$/, { username: name, password });
    expect(locked.status).toBe(429);
    expect(alertText(locked.html)).toBe('Too many failed attempts. Try again in 15 minutes.');
    const reference = /quote this reference: <span class="reference">([0-9A-Z]{4}-[0-9A-Z]{4})<\/span>/.exec(locked.html)?.[1];
    expect(reference).toBeDefined();
    const events = await server.store.audit.tail({ limit: 50 });
    expect(events.filter((event) => event.reason?.includes(reference!)).map((event) => [event.type, event.username])).toEqual([['sign-in', name]]);
  }
});
