// Phone methods end to end, with openid-client as the relying party and the development phone's
// JSON view as the person's phone: a texted code, a call answered with # or a PIN, 0# reporting
// fraud (the relying party gets access_denied and the account's second factor is blocked until
// `twofold user unblock`), expired and reused codes, resend throttling, reloads, and a policy rule
// that lets a call count only when it is answered with a PIN.
import { createAccount } from '../../src/accounts/createAccount.js';
import { acrMfa } from '../../src/provider/acr.js';
import { twofold } from '../helpers/cli.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policyWith, startTestServer, type TestServer } from '../helpers/server.js';
import { alertText, type Page, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let rp: RelyingParty;
/** An application whose policy rule says a call counts only when answered with the person's PIN. */
let payroll: RelyingParty;

beforeAll(async () => {
  const defaults = 'require: mfa\nmethods: [sms, voice, totp, recovery]\nremember: 0\nenrollment: required';
  server = await startTestServer({ displayName: 'Acme', phoneCallingCodes: '1,44' }, { policy: policyWith(defaults, '[{ name: payroll calls need a PIN, when: { clients: [payroll] }, call_pin: required }]') });
  rp = await createRelyingParty(server);
  payroll = await createRelyingParty(server, { clientId: 'payroll', name: 'Payroll' });
});
afterAll(() => server.stop());

let people = 0;
let numbers = 0;
/** A fresh number per person, so the per-number hourly cap never carries over between tests. */
const freshNumber = () => {
  const last = String(1000 + ++numbers).slice(-4);
  return { typed: `(212) 555-${last}`, e164: `+1212555${last}` };
};

const json = async (path: string, init?: RequestInit) => (await fetch(`${server.issuer}${path}`, init)).json() as Promise<Record<string, any>>;
const texts = async (to: string): Promise<string[]> => (await json(`/dev/phone/messages?to=${encodeURIComponent(to)}`)).messages.map((m: { body: string }) => m.body);
const newestCode = async (to: string) => /^(\d{6}) is your Acme sign-in code/.exec((await texts(to))[0] ?? '')?.[1] ?? '';
const calls = async (to: string) => (await json(`/dev/phone/calls?to=${encodeURIComponent(to)}`)).calls as { id: string; status: string; mode: string; extension: string | null }[];
const press = (callId: string, keys: string) => json(`/dev/phone/calls/${callId}/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keys }) });
const status = async (agent: UserAgent, page: Page) => JSON.parse((await agent.get(page.url.replace(/\/mfa(\/.*)?$/, '/mfa/status'))).html).status as string;

/** A new person who set up a phone in their first sign-in: by text (mobile) or by call (office). */
async function personWithPhone(method: 'sms' | 'voice', extra: Record<string, string> = {}) {
  const username = `phone-person${++people}`;
  const account = await createAccount(server.store.accounts, { username, password });
  const number = freshNumber();
  const agent = new UserAgent(server.issuer);
  const { page: intro, checks } = await signInWithPassword(agent, rp, username, password);
  expect(intro.html).toContain('<h1>More information required</h1>');
  const fields: Record<string, string> = method === 'sms' ? { method, smsCountry: 'US', smsNumber: number.typed } : { method, voiceCountry: 'US', voiceNumber: number.typed, ...extra };
  const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, fields, rp.redirectUri);
  let proven: Page;
  if (method === 'sms') {
    expect(setup.html).toContain('We texted a 6-digit code to <strong>+1 ••• ••• ••');
    proven = await agent.submit(setup, /\/mfa\/enroll\/finish$/, { code: await newestCode(number.e164) }, rp.redirectUri);
  } else {
    expect(setup.html).toContain("We're calling <strong>+1 ••• ••• ••");
    await press((await calls(number.e164))[0]!.id, extra.voicePin ? `${extra.voicePin}#` : '#');
    proven = await agent.submit(setup, /\/mfa\/enroll\/finish$/, {}, rp.redirectUri);
  }
  expect(proven.url).toMatch(/\/mfa\/done$/);
  const back = await agent.submit(proven, /\/mfa\/done$/, {}, rp.redirectUri);
  const tokens = await rp.finish(back.location!, checks);
  expect(tokens.claims()).toMatchObject({ sub: account.id, amr: ['pwd', ...(method === 'sms' ? ['sms'] : extra.voicePin ? ['tel', 'pin'] : ['tel']), 'mfa'], acr: acrMfa });
  return { username, account, number };
}

/** A fresh browser past the password, at the second-factor page. */
async function atSecondFactor(username: string) {
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, username, password);
  expect(page.html).toContain('<h1>Verify your identity</h1>');
  return { agent, page, checks };
}

describe('text message', () => {
  test('setup proves the number by text, keeps it encrypted and marks the account phone verified; sign-in by a texted code yields sms', async () => {
    const { username, account, number } = await personWithPhone('sms');
    const [credential] = (await server.store.credentials.list(account.id)).filter((c) => c.method === 'sms');
    expect(credential).toMatchObject({ secret: number.e164, data: { kind: 'mobile', masked: `+1 ••• ••• ••${number.e164.slice(-2)}` } });
    expect(await server.store.accounts.findById(account.id)).toMatchObject({ phone: number.e164, phoneVerified: true });

    const { agent, page, checks } = await atSecondFactor(username);
    expect(page.html).toContain(`We texted a code to <strong>+1 ••• ••• ••${number.e164.slice(-2)}</strong>`);
    expect(page.html).not.toContain(number.e164.slice(2));
    const back = await agent.submit(page, /\/mfa\/verify$/, { code: await newestCode(number.e164) }, rp.redirectUri);
    const tokens = await rp.finish(back.location!, checks);
    expect(tokens.claims()).toMatchObject({ sub: account.id, amr: ['pwd', 'sms', 'mfa'], acr: acrMfa });
  });

  test('an impossible number gets a message naming what is wrong, and nothing is sent or saved', async () => {
    const username = `phone-person${++people}`;
    const account = await createAccount(server.store.accounts, { username, password });
    const agent = new UserAgent(server.issuer);
    const { page: intro } = await signInWithPassword(agent, rp, username, password);
    const before = (await json('/dev/phone/messages')).messages.length;
    const refused = await agent.submit(intro, /\/mfa\/enroll\/begin$/, { method: 'sms', smsCountry: 'US', smsNumber: '212 555' }, rp.redirectUri);
    expect(refused.status).toBe(400);
    expect(alertText(refused.html)).toBe('That number is too short for United States (+1): check that no digits are missing.');
    expect(refused.html).toContain('value="212 555"');
    // The field the message is about is marked for assistive technology, and described by it.
    expect(refused.html).toMatch(/<input id="sms-number"[^>]*value="212 555" aria-invalid="true" aria-describedby="form-error sms-number-hint">/);
    expect(refused.html).not.toMatch(/<input id="voice-number"[^>]*aria-invalid/);
    expect((await json('/dev/phone/messages')).messages.length).toBe(before);
    expect(await server.store.credentials.list(account.id)).toEqual([]);
  });

  test('texts sent while setting up count in the account\'s allowance of sends: the sixth number in 15 minutes is refused, sent nothing, and audited', async () => {
    const username = `phone-person${++people}`;
    const account = await createAccount(server.store.accounts, { username, password });
    const agent = new UserAgent(server.issuer);
    const { page: intro } = await signInWithPassword(agent, rp, username, password);
    const setUp = (number: { typed: string }) => agent.submit(intro, /\/mfa\/enroll\/begin$/, { method: 'sms', smsCountry: 'US', smsNumber: number.typed }, rp.redirectUri);
    for (let sent = 0; sent < 5; sent++) expect((await setUp(freshNumber())).html).toContain('We texted a 6-digit code to');
    const sixth = freshNumber();
    const refused = await setUp(sixth);
    expect(refused.status).toBe(400);
    expect(alertText(refused.html)).toMatch(/^You've asked for several already\. You can ask again in \d+ minutes?\.$/);
    expect(await texts(sixth.e164)).toEqual([]);
    const audit = await server.store.audit.tail({ accountId: account.id, limit: 20 });
    expect(audit.find((event) => event.type === 'mfa.challenge' && event.result === 'fail')).toMatchObject({ method: 'sms', reason: expect.stringMatching(/^setup: /) });

    // A quarter of an hour on (and so a new sign-in: the password is no longer fresh), it goes.
    server.clock.advance(15 * 60_000);
    const later = await signInWithPassword(agent, rp, username, password);
    const sent = await agent.submit(later.page, /\/mfa\/enroll\/begin$/, { method: 'sms', smsCountry: 'US', smsNumber: sixth.typed }, rp.redirectUri);
    expect(sent.html).toContain('We texted a 6-digit code to');
    expect(await texts(sixth.e164)).toHaveLength(1);
  });

  test('reloading the code page sends no second text', async () => {
    const { username, number } = await personWithPhone('sms');
    const sent = (await texts(number.e164)).length;
    const { agent, page } = await atSecondFactor(username);
    await agent.get(page.url);
    await agent.get(page.url);
    expect((await texts(number.e164)).length).toBe(sent + 1);
  });

  test('an expired code and a reused code are refused with one message', async () => {
    const { username, number } = await personWithPhone('sms');
    const first = await atSecondFactor(username);
    const code = await newestCode(number.e164);
    server.clock.advance(5 * 60_000 + 1000);
    const expired = await first.agent.submit(first.page, /\/mfa\/verify$/, { code }, rp.redirectUri);
    expect(expired.status).toBe(401);
    expect(alertText(expired.html)).toBe('That request has expired. Ask for a new one, or choose another way to verify.');

    const second = await atSecondFactor(username);
    const fresh = await newestCode(number.e164);
    expect((await second.agent.submit(second.page, /\/mfa\/verify$/, { code: fresh }, rp.redirectUri)).location).toMatch(rp.redirectUri);
    const third = await atSecondFactor(username);
    const reused = await third.agent.submit(third.page, /\/mfa\/verify$/, { code: fresh }, rp.redirectUri);
    expect(reused.status).toBe(401);
    expect(alertText(reused.html)).toBe("That code didn't work. Check the code and try again, or ask for a new one.");
  });

  test('"Send a new code" is throttled, replaces the old code, and does not reset the failure count', async () => {
    const { username, account, number } = await personWithPhone('sms');
    const { agent, page, checks } = await atSecondFactor(username);
    const old = await newestCode(number.e164);
    const wrong = await agent.submit(page, /\/mfa\/verify$/, { code: old === '000000' ? '111111' : '000000' }, rp.redirectUri);
    expect(wrong.status).toBe(401);
    const tooSoon = await agent.submit(page, /\/mfa\/resend$/, {}, rp.redirectUri);
    expect(tooSoon.status).toBe(429);
    expect(alertText(tooSoon.html)).toMatch(/^You can ask for a new one in \d+ seconds\.$/);
    expect(await newestCode(number.e164)).toBe(old);
    server.clock.advance(31_000);
    const resent = await agent.submit(page, /\/mfa\/resend$/, {}, rp.redirectUri);
    expect(resent.status).toBe(200);
    expect(resent.html).toContain('We sent a new one.');
    const fresh = await newestCode(number.e164);
    expect(fresh).not.toBe('');
    expect(await server.store.attempts.get(`mfa:${account.id}`)).toMatchObject({ failures: 1 });
    if (fresh !== old) expect((await agent.submit(resent, /\/mfa\/verify$/, { code: old }, rp.redirectUri)).status).toBe(401);
    const back = await agent.submit(resent, /\/mfa\/verify$/, { code: fresh }, rp.redirectUri);
    expect((await rp.finish(back.location!, checks)).claims()).toMatchObject({ amr: ['pwd', 'sms', 'mfa'] });
  });
});

describe('voice call', () => {
  test('an office phone is called with its extension; # finishes the sign-in, which the page learns from the status route', async () => {
    const { username, account, number } = await personWithPhone('voice', { voiceExtension: '321' });
    const { agent, page, checks } = await atSecondFactor(username);
    expect(page.html).toContain(`We're calling <strong>+1 ••• ••• ••${number.e164.slice(-2)}</strong>`);
    expect(page.html).toContain('Call me again');
    const [call] = await calls(number.e164);
    expect(call).toMatchObject({ status: 'ringing', mode: 'confirm', extension: '321' });
    expect(await status(agent, page)).toBe('pending');
    const notYet = await agent.submit(page, /\/mfa\/verify$/, {}, rp.redirectUri);
    expect(alertText(notYet.html)).toBe("We haven't had an answer yet. Answer it, then choose Continue.");
    await press(call!.id, '#');
    expect(await status(agent, page)).toBe('answered');
    const back = await agent.submit(page, /\/mfa\/verify$/, {}, rp.redirectUri);
    expect((await rp.finish(back.location!, checks)).claims()).toMatchObject({ sub: account.id, amr: ['pwd', 'tel', 'mfa'] });
  });

  test('once the call has expired the page stops waiting for it and offers "Call me again"', async () => {
    const { username } = await personWithPhone('voice');
    const { agent, page } = await atSecondFactor(username);
    expect(page.html).toContain('/public/mfa-wait.js');
    server.clock.advance(4 * 60_000 + 1000);
    const later = await agent.get(page.url);
    expect(alertText(later.html)).toBe('That request has expired. Ask for a new one, or choose another way to verify.');
    expect(later.html).not.toContain('/public/mfa-wait.js');
    expect(later.html).toContain('Call me again');
  });

  test('a call nobody answers says so, and "Call me again" is offered', async () => {
    const { username, number } = await personWithPhone('voice');
    const { agent, page } = await atSecondFactor(username);
    await json(`/dev/phone/calls/${(await calls(number.e164))[0]!.id}/hangup`, { method: 'POST' });
    expect(await status(agent, page)).toBe('answered');
    const missed = await agent.submit(page, /\/mfa\/verify$/, {}, rp.redirectUri);
    expect(missed.status).toBe(401);
    expect(alertText(missed.html)).toBe("The call wasn't answered, or couldn't be placed. Choose Call me again, or another way to verify.");
    expect(missed.html).toContain('Call me again');
  });

  test('PIN mode: a wrong PIN fails, "Call me again" calls again, and the right PIN signs in', async () => {
    const { username, account, number } = await personWithPhone('voice', { voicePin: '4071' });
    expect(JSON.stringify((await server.store.credentials.list(account.id)).map((c) => c.data))).not.toContain('4071');
    const { agent, page, checks } = await atSecondFactor(username);
    expect(page.html).toContain('enter your PIN, then #');
    const [first] = await calls(number.e164);
    expect(first!.mode).toBe('pin');
    await press(first!.id, '4072#');
    const wrong = await agent.submit(page, /\/mfa\/verify$/, {}, rp.redirectUri);
    expect(wrong.status).toBe(401);
    expect(alertText(wrong.html)).toBe('The keys pressed on the call were not right. Choose Call me again to try once more, or another way to verify.');
    // The answer is used up: the page's script is not told to submit it again and again.
    expect(await status(agent, wrong)).toBe('pending');
    server.clock.advance(31_000);
    const again = await agent.submit(wrong, /\/mfa\/resend$/, {}, rp.redirectUri);
    const [second] = await calls(number.e164);
    expect(second!.id).not.toBe(first!.id);
    await press(second!.id, '4071#');
    const back = await agent.submit(again, /\/mfa\/verify$/, {}, rp.redirectUri);
    // RFC 8176 `pin`: the call also proved something the person knows.
    expect((await rp.finish(back.location!, checks)).claims()).toMatchObject({ amr: ['pwd', 'tel', 'pin', 'mfa'] });
  });

  test('0# ends the sign-in with access_denied, blocks the second factor until `twofold user unblock`, and is listed', async () => {
    const { username, account, number } = await personWithPhone('voice');
    const { agent, page, checks } = await atSecondFactor(username);
    await press((await calls(number.e164))[0]!.id, '0#');
    const denied = await agent.submit(page, /\/mfa\/verify$/, {}, rp.redirectUri);
    expect(denied.status).toBe(403);
    expect(denied.html).toContain('<h1>Sign-in stopped</h1>');
    expect(denied.html).toContain("You said this sign-in wasn't you");
    const back = await agent.submit(denied, /\/mfa\/abort$/, {}, rp.redirectUri);
    const error = new URL(back.location!).searchParams;
    expect(error.get('error')).toBe('access_denied');
    await expect(rp.finish(back.location!, checks)).rejects.toMatchObject({ error: 'access_denied' });
    expect(await server.store.fraud.blockOf(account.id, server.clock.now())).toMatchObject({ accountId: account.id, until: null });
    const audit = await server.store.audit.tail({ accountId: account.id, limit: 50 });
    expect(audit.find((event) => event.type === 'fraud.report')).toMatchObject({ method: 'voice', clientId: rp.clientId, ip: expect.any(String) });

    // Blocked: the next sign-in places no call and says why.
    const callsBefore = (await calls(number.e164)).length;
    const blockedAgent = new UserAgent(server.issuer);
    const blocked = await signInWithPassword(blockedAgent, rp, username, password);
    expect(blocked.page.status).toBe(403);
    expect(blocked.page.html).toContain('<h1>Verification is blocked</h1>');
    expect((await calls(number.e164)).length).toBe(callsBefore);

    const listed = await twofold(server.dataDir, ['fraud', 'list']);
    expect(listed.out.join('\n')).toContain(username);
    expect((await twofold(server.dataDir, ['user', 'unblock', username])).code).toBe(0);
    const after = await atSecondFactor(username);
    await press((await calls(number.e164))[0]!.id, '#');
    const done = await after.agent.submit(after.page, /\/mfa\/verify$/, {}, rp.redirectUri);
    expect((await rp.finish(done.location!, after.checks)).claims()).toMatchObject({ amr: ['pwd', 'tel', 'mfa'] });
  });
});

describe('a policy rule that requires a call PIN (call_pin: required)', () => {
  test('a call answered with # does not carry into the application, a phone without a PIN is not called, and setting the call up again with a PIN replaces it', async () => {
    const { username, account, number } = await personWithPhone('voice');
    // Signed in to the first application by a call answered with # alone...
    const { agent, page, checks } = await atSecondFactor(username);
    await press((await calls(number.e164))[0]!.id, '#');
    const first = await agent.submit(page, /\/mfa\/verify$/, {}, rp.redirectUri);
    expect((await rp.finish(first.location!, checks)).claims()).toMatchObject({ amr: ['pwd', 'tel', 'mfa'] });

    // ...the same browser is not let into payroll on that session, and its phone is not called:
    // no method of the person's meets the rule, so they set one up.
    const callsBefore = (await calls(number.e164)).length;
    const start = await payroll.begin();
    const confirm = await agent.follow(start.url, payroll.redirectUri);
    expect(confirm.html).toContain('<h1>Confirm your password</h1>');
    const intro = await agent.submit(confirm, /\/mfa\/password$/, { password }, payroll.redirectUri);
    expect(intro.html).toContain('<h1>More information required</h1>');
    expect(intro.html).toContain('PIN for calls</label>');
    expect(intro.html).not.toContain('PIN for calls (optional)');
    expect((await calls(number.e164)).length).toBe(callsBefore);

    const noPin = await agent.submit(intro, /\/mfa\/enroll\/begin$/, { method: 'voice', voiceCountry: 'US', voiceNumber: number.typed }, payroll.redirectUri);
    expect(noPin.status).toBe(400);
    expect(alertText(noPin.html)).toBe('Choose a PIN of 4 to 8 digits: the call will ask for it.');
    expect(noPin.html).toMatch(/<input id="voice-pin"[^>]*aria-invalid="true" aria-describedby="form-error voice-pin-hint">/);
    expect(noPin.html).not.toMatch(/<input id="voice-number"[^>]*aria-invalid/);
    expect((await calls(number.e164)).length).toBe(callsBefore);

    const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, { method: 'voice', voiceCountry: 'US', voiceNumber: number.typed, voicePin: '4071' }, payroll.redirectUri);
    const [call] = await calls(number.e164);
    expect(call!.mode).toBe('pin');
    await press(call!.id, '4071#');
    const proven = await agent.submit(setup, /\/mfa\/enroll\/finish$/, {}, payroll.redirectUri);
    const back = await agent.submit(proven, /\/mfa\/done$/, {}, payroll.redirectUri);
    expect((await payroll.finish(back.location!, start.checks)).claims()).toMatchObject({ sub: account.id, amr: ['pwd', 'tel', 'pin', 'mfa'] });

    // The number is set up once, now with a PIN: the next call to it asks for the PIN wherever the person signs in.
    const phones = (await server.store.credentials.list(account.id)).filter((credential) => credential.method === 'voice');
    expect(phones).toHaveLength(1);
    expect(phones[0]!.data).toMatchObject({ pinHash: expect.any(String) });
    const later = await atSecondFactor(username);
    expect(later.page.html).toContain('enter your PIN, then #');
  });

  test('policy explain says a call PIN is required', async () => {
    const explained = await twofold(server.dataDir, ['policy', 'explain', '--user', 'anyone', '--group', 'staff', '--client', 'payroll'], '', { TWOFOLD_POLICIES: server.policyDir });
    expect(explained.err).toEqual([]);
    expect(explained.out.join('\n')).toContain('call PIN:    required (a call counts only when answered with the PIN)');
  });
});
