// Policy decides per application and person: office network, the relying party's acr floor,
// block, prompt=none, step-up of an existing session, the abandoned-second-factor trap,
// optional enrollment, remembered devices, the alternate option and max_age.
import * as oidc from 'openid-client';
import { generateSecret } from 'otplib';
import { createAccount } from '../../src/accounts/createAccount.js';
import { acrMfa, acrSfa } from '../../src/provider/acr.js';
import { appCode, enrollApp, enterCode } from '../helpers/mfa.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { alertText, type Page, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
const policy = (remember = '7d') => `version: 1
defaults: { require: mfa, methods: [totp], remember: ${remember}, enrollment: required }
rules:
  - name: former employee
    when: { users: [mallory] }
    require: block
  - name: intranet from the office
    when: { clients: [intranet], network: [127.0.0.0/8, "::1/128"] }
    require: none
  - name: interns may set up later
    when: { groups: [interns] }
    enrollment: optional
`;

let server: TestServer;
let intranet: RelyingParty;
let payroll: RelyingParty;

beforeAll(async () => {
  server = await startTestServer({}, { policy: policy() });
  intranet = await createRelyingParty(server, { clientId: 'intranet' });
  payroll = await createRelyingParty(server, { clientId: 'payroll' });
});
afterAll(() => server.stop());
afterEach(() => server.setPolicy(policy()));

let people = 0;
async function person(groups: string[] = []) {
  const username = `p${++people}`;
  const { id } = await createAccount(server.store.accounts, { username, password, groups });
  return { username, id };
}

/** A person with an authenticator app already set up (directly in the store, as a seed). */
async function personWithApp(label: string | null = null) {
  const who = await person();
  const secret = generateSecret();
  await server.store.credentials.add({ accountId: who.id, method: 'totp', label, secret });
  return { ...who, secret };
}

/** Starts an authorization and follows it to the first page Twofold shows (or back to the RP). */
async function authorize(agent: UserAgent, rp: RelyingParty, params: Record<string, string> = {}) {
  const { url, checks } = await rp.begin(params);
  return { page: await agent.follow(url, rp.redirectUri), checks };
}

const isCodePage = (page: Page) => page.html.includes('<h1>Verify your identity</h1>');
const isLoginPage = (page: Page) => page.html.includes('<h1>Sign in</h1>');

async function signOut(agent: UserAgent, rp: RelyingParty, idToken: string) {
  const postLogout = `https://rp.example.com/${rp.clientId}/signed-out`;
  const confirm = await agent.follow(oidc.buildEndSessionUrl(rp.config, { id_token_hint: idToken, post_logout_redirect_uri: postLogout }).href);
  await agent.submit(confirm, /\/session\/end\/confirm$/, { logout: 'yes' }, postLogout);
}

describe('policy per application and network', () => {
  test('the office rule lets the intranet in with a password alone', async () => {
    const { username, id } = await personWithApp();
    const { page, checks } = await signInWithPassword(new UserAgent(server.issuer), intranet, username, password);
    expect((await intranet.finish(page.location!, checks)).claims()).toMatchObject({ sub: id, amr: ['pwd'], acr: acrSfa });
  });

  test('acr_values=mfa forces the second factor where the rule says none', async () => {
    const { username, secret } = await personWithApp();
    const agent = new UserAgent(server.issuer);
    const { page, checks } = await signInWithPassword(agent, intranet, username, password, { acr_values: acrMfa });
    expect(isCodePage(page)).toBe(true);
    const back = await enterCode(agent, page, await appCode(server, secret), intranet.redirectUri);
    expect((await intranet.finish(back.location!, checks)).claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: acrMfa });
  });

  test('an essential acr claim is a floor too', async () => {
    const { username, secret } = await personWithApp();
    const agent = new UserAgent(server.issuer);
    const claims = JSON.stringify({ id_token: { acr: { essential: true, value: acrMfa } } });
    const { page, checks } = await signInWithPassword(agent, intranet, username, password, { claims });
    expect(isCodePage(page)).toBe(true);
    const back = await enterCode(agent, page, await appCode(server, secret), intranet.redirectUri);
    expect((await intranet.finish(back.location!, checks)).claims()).toMatchObject({ acr: acrMfa });
  });

  test('a blocked person sees a clear page, and the application receives access_denied', async () => {
    await createAccount(server.store.accounts, { username: 'mallory', password });
    const agent = new UserAgent(server.issuer);
    const { page, checks } = await signInWithPassword(agent, payroll, 'mallory', password);
    expect(page.status).toBe(403);
    expect(page.html).toContain("You can't sign in here");
    const back = await agent.submit(page, /\/mfa\/abort$/, {}, payroll.redirectUri);
    await expect(payroll.finish(back.location!, checks)).rejects.toMatchObject({ error: 'access_denied', error_description: 'the sign-in policy does not allow this sign-in' });
    expect(agent.cookie('_session')).toBeUndefined();
    expect((await server.store.audit.tail({ limit: 5 })).at(-1)).toMatchObject({ type: 'sign-in', result: 'fail', reason: 'blocked by policy', rule: 'former employee' });
  });
});

test('a policy change during a sign-in applies at the next step', async () => {
  const { username, id } = await personWithApp();
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, payroll, username, password);
  expect(isCodePage(page)).toBe(true);
  server.setPolicy(policy().replace('require: mfa', 'require: none'));
  const back = await agent.follow(page.url, payroll.redirectUri);
  expect((await payroll.finish(back.location!, checks)).claims()).toMatchObject({ sub: id, amr: ['pwd'], acr: acrSfa });
});

describe('methods Twofold cannot offer yet', () => {
  test('when nothing the policy allows can be set up, the person is told whom to ask and the application gets access_denied', async () => {
    const { username } = await person();
    const agent = new UserAgent(server.issuer);
    const { page, checks } = await signInWithPassword(agent, payroll, username, password, { acr_values: 'http://schemas.openid.net/pape/policies/2007/06/phishing-resistant' });
    expect(page.status).toBe(403);
    expect(page.html).toContain('requires a passkey or security key');
    const back = await agent.submit(page, /\/mfa\/abort$/, {}, payroll.redirectUri);
    await expect(payroll.finish(back.location!, checks)).rejects.toMatchObject({ error: 'access_denied' });
  });
});

describe('sessions, step-up and the abandoned second factor', () => {
  test('prompt=none returns interaction_required when a second factor is due', async () => {
    const { username } = await personWithApp();
    const agent = new UserAgent(server.issuer);
    await signInWithPassword(agent, intranet, username, password);
    const { page, checks } = await authorize(agent, payroll, { prompt: 'none' });
    await expect(payroll.finish(page.location!, checks)).rejects.toMatchObject({ error: 'interaction_required' });
  });

  test('abandoning the second factor leaves no session: every application asks for the password again', async () => {
    const { username } = await personWithApp();
    const agent = new UserAgent(server.issuer);
    const { page } = await signInWithPassword(agent, payroll, username, password);
    expect(isCodePage(page)).toBe(true);
    // The person walks away from the code page and opens other applications.
    expect(agent.cookie('_session')).toBeUndefined();
    expect(isLoginPage((await authorize(agent, payroll)).page)).toBe(true);
    expect(isLoginPage((await authorize(agent, intranet)).page)).toBe(true);
  });

  test('a password-only session from one application is stepped up at another with the second factor alone', async () => {
    const { username, id, secret } = await personWithApp();
    const agent = new UserAgent(server.issuer);
    await signInWithPassword(agent, intranet, username, password);

    const { page, checks } = await authorize(agent, payroll);
    expect(isCodePage(page)).toBe(true);
    const back = await enterCode(agent, page, await appCode(server, secret), payroll.redirectUri);
    expect((await payroll.finish(back.location!, checks)).claims()).toMatchObject({ sub: id, amr: ['pwd', 'otp', 'mfa'], acr: acrMfa });

    // The session now carries the second factor for every application.
    const again = await authorize(agent, intranet);
    expect((await intranet.finish(again.page.location!, again.checks)).claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'] });
  });

  test('setting up a first method on an existing session needs the password again', async () => {
    const { username, id } = await person();
    const agent = new UserAgent(server.issuer);
    await signInWithPassword(agent, intranet, username, password);
    const { page: confirm, checks } = await authorize(agent, payroll);
    expect(confirm.html).toContain('<h1>Confirm your password</h1>');
    const wrong = await agent.submit(confirm, /\/mfa\/password$/, { password: 'not it' }, payroll.redirectUri);
    expect(alertText(wrong.html)).toBe('Your password is incorrect.');
    const intro = await agent.submit(confirm, /\/mfa\/password$/, { password }, payroll.redirectUri);
    expect(intro.html).toContain('More information required');
    const { done } = await enrollApp(agent, intro, server, payroll.redirectUri);
    expect((await payroll.finish(done.location!, checks)).claims()).toMatchObject({ sub: id, amr: ['pwd', 'otp', 'mfa'] });
  });

  test('oidcc-max-age-1: when max_age has passed, a session with a second factor re-authenticates with that factor alone, and amr names only it', async () => {
    const { username, secret } = await personWithApp();
    const agent = new UserAgent(server.issuer);
    const first = await signInWithPassword(agent, payroll, username, password);
    const signedIn = await enterCode(agent, first.page, await appCode(server, secret), payroll.redirectUri);
    const firstAuthTime = (await payroll.finish(signedIn.location!, first.checks)).claims()!.auth_time!;

    // max_age=0 would mean prompt=login (a full sign-in); one second, then wait it out.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    server.clock.advance(30_000);
    const { page, checks } = await authorize(agent, payroll, { max_age: '1' });
    expect(isCodePage(page)).toBe(true);
    const back = await enterCode(agent, page, await appCode(server, secret), payroll.redirectUri);
    const claims = (await payroll.finish(back.location!, checks)).claims()!;
    // amr and auth_time describe the authentication that just happened (the app alone); the
    // session keeps its multi-factor level, as NIST SP 800-63B 4.2.3 allows a re-authentication.
    expect(claims.amr).toEqual(['otp']);
    expect(claims.acr).toBe('https://refeds.org/profile/mfa');
    expect(claims.auth_time).toBeGreaterThan(firstAuthTime);
  });
});

describe('nothing proven, nothing new (review findings)', () => {
  async function mfaSession() {
    const { username, secret } = await personWithApp();
    const agent = new UserAgent(server.issuer);
    const first = await signInWithPassword(agent, payroll, username, password);
    await enterCode(agent, first.page, await appCode(server, secret), payroll.redirectUri);
    server.clock.advance(30_000);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    return agent;
  }

  test('a re-authentication that the policy stops needing mid-way does not refresh the session: the password is asked for', async () => {
    const agent = await mfaSession();
    const { page } = await authorize(agent, payroll, { max_age: '1' });
    expect(isCodePage(page)).toBe(true);
    server.setPolicy(policy().replace('require: mfa', 'require: none'));
    const next = await agent.follow(page.url, payroll.redirectUri);
    expect(isLoginPage(next)).toBe(true);
  });

  test('past max_age, a session that had only a password is asked for the password, not just a code', async () => {
    const { username } = await personWithApp();
    const agent = new UserAgent(server.issuer);
    await signInWithPassword(agent, intranet, username, password);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const { page } = await authorize(agent, payroll, { max_age: '1' });
    expect(isLoginPage(page)).toBe(true);
  });
});

describe('optional enrollment', () => {
  test('"Skip for now" signs in with one factor, holds for that session, and asks again at the next sign-in', async () => {
    const { username, id } = await person(['interns']);
    const agent = new UserAgent(server.issuer);
    const { page: intro, checks } = await signInWithPassword(agent, payroll, username, password);
    expect(intro.html).toContain('Skip for now');
    const back = await agent.submit(intro, /\/mfa\/enroll\/skip$/, {}, payroll.redirectUri);
    expect((await payroll.finish(back.location!, checks)).claims()).toMatchObject({ sub: id, amr: ['pwd'], acr: acrSfa });

    const same = await authorize(agent, payroll);
    expect(same.page.location).toMatch(/\?code=/);

    const { page: nextTime } = await signInWithPassword(new UserAgent(server.issuer), payroll, username, password);
    expect(nextTime.html).toContain('More information required');
    const log = (await server.store.audit.tail({ accountId: id, limit: 20 })).find((e) => e.type === 'mfa.enroll');
    expect(log).toMatchObject({ result: 'info', reason: 'skipped for now: signed in with one factor' });
  });

  test('an application that asks for MFA gets no skip, even for someone who may skip', async () => {
    const { username } = await person(['interns']);
    const { page: intro } = await signInWithPassword(new UserAgent(server.issuer), payroll, username, password, { acr_values: acrMfa });
    expect(intro.html).toContain('More information required');
    expect(intro.html).not.toContain('Skip for now');
  });

  test('where enrollment is required there is no skip, and posting one anyway is refused', async () => {
    const { username } = await person();
    const agent = new UserAgent(server.issuer);
    const { page: intro } = await signInWithPassword(agent, payroll, username, password);
    expect(intro.html).not.toContain('Skip for now');
    const refused = await agent.post(intro.url.replace(/\/enroll$/, '/enroll/skip'), { csrf: /name="csrf" value="([^"]+)"/.exec(intro.html)![1]! });
    expect(refused.status).toBe(403);
  });
});

describe("don't ask again on this device", () => {
  async function signInRemembering(agent: UserAgent, username: string, secret: string) {
    const { page, checks } = await signInWithPassword(agent, payroll, username, password);
    expect(page.html).toContain("Don't ask again on this device for 7 days");
    const back = await enterCode(agent, page, await appCode(server, secret), payroll.redirectUri, { remember: 'yes' });
    server.clock.advance(30_000);
    return payroll.finish(back.location!, checks);
  }

  test('a remembered device skips the second factor; the tokens say only the password was used', async () => {
    const { username, id, secret } = await personWithApp();
    const agent = new UserAgent(server.issuer);
    const tokens = await signInRemembering(agent, username, secret);
    await signOut(agent, payroll, tokens.id_token!);

    const { page, checks } = await signInWithPassword(agent, payroll, username, password);
    expect(page.location).toMatch(/\?code=/);
    expect((await payroll.finish(page.location!, checks)).claims()).toMatchObject({ sub: id, amr: ['pwd'], acr: acrSfa });
    expect((await server.store.audit.tail({ accountId: id, limit: 10 })).some((e) => e.type === 'mfa.skip' && e.reason === 'remembered device')).toBe(true);

    // An application that asks for MFA gets a real second factor all the same.
    const strict = await signInWithPassword(new UserAgent(server.issuer), payroll, username, password, { acr_values: acrMfa });
    expect(isCodePage(strict.page)).toBe(true);
  });

  test('a remembered device no longer counts once the methods change', async () => {
    const { username, id, secret } = await personWithApp();
    const agent = new UserAgent(server.issuer);
    await signOut(agent, payroll, (await signInRemembering(agent, username, secret)).id_token!);
    await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Tablet', secret: generateSecret() });
    expect(isCodePage((await signInWithPassword(agent, payroll, username, password)).page)).toBe(true);
  });

  // With only push allowed, the person (who has an app code) is asked to set push up.
  test.each([
    ['only methods it was not earned with', "methods: [push]", 'More information required'],
    ['phishing resistance', "strength: phishing-resistant", 'Another sign-in method is needed'],
  ])('a remembered device does not stand in where the policy asks for %s', async (_what, rule, shown) => {
    const { username, secret } = await personWithApp();
    const agent = new UserAgent(server.issuer);
    await signOut(agent, payroll, (await signInRemembering(agent, username, secret)).id_token!);
    server.setPolicy(`${policy()}  - name: stricter payroll\n    when: { clients: [payroll] }\n    ${rule}\n`);
    const { page } = await signInWithPassword(agent, payroll, username, password);
    expect(page.location).toBeUndefined();
    expect(page.html).toContain(shown);
  });

  test('a remember period that is not whole days is offered in hours', async () => {
    server.setPolicy(policy('36h'));
    const { username } = await personWithApp();
    const { page } = await signInWithPassword(new UserAgent(server.issuer), payroll, username, password);
    expect(page.html).toContain("Don't ask again on this device for 36 hours");
  });

  test('a remembered device no longer counts once policy stops remembering', async () => {
    const { username, secret } = await personWithApp();
    const agent = new UserAgent(server.issuer);
    await signOut(agent, payroll, (await signInRemembering(agent, username, secret)).id_token!);
    server.setPolicy(policy('0'));
    const { page } = await signInWithPassword(agent, payroll, username, password);
    expect(isCodePage(page)).toBe(true);
    expect(page.html).not.toContain("Don't ask again");
  });
});

test('"Use a different verification option" lists the methods with their labels and switches to the chosen one', async () => {
  const { username, id } = await personWithApp('Phone');
  const tabletSecret = generateSecret();
  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Tablet', secret: tabletSecret });
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, payroll, username, password);
  expect(page.html).toContain('Authenticator app (Phone)');

  const options = await agent.follow(page.url.replace(/\/mfa$/, '/mfa/options'));
  expect(options.html).toContain('Authenticator app (Phone)</button> <span class="detail">(default)</span>');
  expect(options.html).toContain('Authenticator app (Tablet)</button>');
  const tabletForm = [...options.html.matchAll(/<form[\s\S]*?<\/form>/g)].map((m) => m[0]).find((form) => form.includes('(Tablet)'))!;
  const tablet = await agent.submit({ ...options, html: tabletForm }, /\/mfa\/choose$/, {}, payroll.redirectUri);
  expect(tablet.html).toContain('Authenticator app (Tablet)');
  const back = await enterCode(agent, tablet, await appCode(server, tabletSecret), payroll.redirectUri);
  expect((await payroll.finish(back.location!, checks)).claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'] });
});
