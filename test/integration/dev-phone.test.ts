// The development phone: texts and calls go nowhere but /dev/phone and its JSON view, where
// a test (or a person) reads the text and presses keys on a ringing call. The toll-fraud
// limits and the country allow-list apply to it as to any adapter, and refusals are audited.
import { startTestServer, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ displayName: 'Acme', phoneLimitPerNumber: 3, phoneLimitPerAccount: 5, phoneCallingCodes: '1,44' });
});
afterAll(() => server.stop());

let people = 0;
const someone = () => ({ accountId: `account-${++people}`, username: `p${people}`, clientId: 'wiki', ip: '198.51.100.7', method: 'sms' });
let numbers = 0;
/** A fresh valid US number for each test, so per-number limits do not carry over. */
const freshNumber = () => `+1212555${String(1000 + ++numbers).slice(-4)}`;

const json = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${server.issuer}${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
const press = (callId: string, keys: string) => json(`/dev/phone/calls/${callId}/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keys }) });

describe('texts', () => {
  test('a text sent to a number shows in the JSON view, newest first, naming the organisation', async () => {
    const to = freshNumber();
    const phone = server.phone.service;
    expect(await phone.sendText({ to, body: 'first 111111' }, someone())).toEqual({ ok: true });
    server.clock.advance(1000);
    expect(await phone.sendText({ to, body: 'second 222222' }, someone())).toEqual({ ok: true });
    const { status, body } = await json(`/dev/phone/messages?to=${encodeURIComponent(to)}`);
    expect(status).toBe(200);
    expect(body.messages.map((m: { body: string }) => m.body)).toEqual(['second 222222', 'first 111111']);
    expect(body.messages[0]).toMatchObject({ to, at: expect.any(String) });
    expect((await json('/dev/phone/messages?to=0800')).status).toBe(400);
  });
});

describe('calls', () => {
  const placeCall = async (mode: 'confirm' | 'pin', extension?: string) => {
    const to = freshNumber();
    const placed = await server.phone.service.placeCall({ to, extension, mode }, { ...someone(), method: 'voice' });
    if (!placed.ok) throw new Error(placed.message);
    return { to, callId: placed.callId };
  };

  test('a call rings with a greeting naming the organisation, and # confirms it', async () => {
    const { to, callId } = await placeCall('confirm', '4321');
    const { body } = await json(`/dev/phone/calls?to=${encodeURIComponent(to)}`);
    expect(body.calls).toEqual([expect.objectContaining({ id: callId, to, extension: '4321', mode: 'confirm', status: 'ringing', keys: null })]);
    expect(body.calls[0].script).toMatch(/^This is Acme\. .*press the # key to finish signing in\. .*press 0 then the # key/);
    expect(await server.phone.service.callAnswer(callId, 'confirm')).toEqual({ kind: 'waiting' });
    expect(await press(callId, '#')).toMatchObject({ status: 200, body: { call: { status: 'answered', keys: '#' } } });
    expect(await server.phone.service.callAnswer(callId, 'confirm')).toEqual({ kind: 'confirmed' });
  });

  test('in PIN mode the call asks for the PIN, and the keys pressed come back as the PIN', async () => {
    const { callId } = await placeCall('pin');
    const { body } = await json('/dev/phone/calls');
    expect(body.calls.find((c: { id: string }) => c.id === callId).script).toMatch(/enter your PIN followed by the # key/);
    await press(callId, '2468#');
    expect(await server.phone.service.callAnswer(callId, 'pin')).toEqual({ kind: 'pin', pin: '2468' });
  });

  test('0# reports fraud, in either mode; other keys are a wrong answer', async () => {
    for (const mode of ['confirm', 'pin'] as const) {
      const { callId } = await placeCall(mode);
      await press(callId, '0#');
      expect(await server.phone.service.callAnswer(callId, mode)).toEqual({ kind: 'fraud' });
    }
    const { callId } = await placeCall('confirm');
    await press(callId, '5#');
    expect(await server.phone.service.callAnswer(callId, 'confirm')).toEqual({ kind: 'wrong-keys' });
  });

  test('hanging up, or letting it ring out, is no answer', async () => {
    const first = await placeCall('confirm');
    expect(await json(`/dev/phone/calls/${first.callId}/hangup`, { method: 'POST' })).toMatchObject({ status: 200, body: { call: { status: 'no-answer' } } });
    expect(await server.phone.service.callAnswer(first.callId, 'confirm')).toEqual({ kind: 'no-answer' });
    const second = await placeCall('confirm');
    server.clock.advance(61_000);
    expect(await server.phone.service.callAnswer(second.callId, 'confirm')).toEqual({ kind: 'no-answer' });
    expect(await press(second.callId, '#')).toMatchObject({ status: 409, body: { error: 'That call has ended.' } });
  });

  test('bad keys, a second answer, an unknown call and a non-JSON body are refused and change nothing', async () => {
    const { callId } = await placeCall('confirm');
    expect(await press(callId, '12')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/finish with #/) } });
    expect(await press(callId, 'abc#')).toMatchObject({ status: 400 });
    expect(await json(`/dev/phone/calls/${callId}/keys`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'keys=%23' }))
      .toMatchObject({ status: 415, body: { error: expect.stringMatching(/as JSON/) } });
    expect(await json(`/dev/phone/calls/${callId}/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"keys": "#", "extra": 1}' })).toMatchObject({ status: 400 });
    expect(await json(`/dev/phone/calls/${callId}/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })).toMatchObject({ status: 400, body: { error: 'The body is not valid JSON.' } });
    expect(await server.phone.service.callAnswer(callId, 'confirm')).toEqual({ kind: 'waiting' });
    expect(await press('no-such-call', '#')).toMatchObject({ status: 404 });
    await press(callId, '0#');
    expect(await press(callId, '#')).toMatchObject({ status: 409 });
    expect(await server.phone.service.callAnswer(callId, 'confirm')).toEqual({ kind: 'fraud' });
  });

  test("the page's keypad needs the page's CSRF token", async () => {
    const { to, callId } = await placeCall('confirm');
    const agent = new UserAgent(server.issuer);
    const page = await agent.get('/dev/phone');
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<h2 id="number-1">${to}</h2>`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)![1]!;
    expect((await agent.post(`/dev/phone/calls/${callId}/press`, { keys: '#' })).status).toBe(403);
    expect((await new UserAgent(server.issuer).post(`/dev/phone/calls/${callId}/press`, { keys: '#', csrf })).status).toBe(403);
    expect(await server.phone.service.callAnswer(callId, 'confirm')).toEqual({ kind: 'waiting' });
    const pressed = await agent.post(`/dev/phone/calls/${callId}/press`, { keys: '#', csrf });
    expect(pressed).toMatchObject({ status: 303, location: `${server.issuer}/dev/phone` });
    expect(await server.phone.service.callAnswer(callId, 'confirm')).toEqual({ kind: 'confirmed' });
  });
});

describe('toll-fraud limits', () => {
  const auditReasons = async () => (await server.store.audit.tail({ limit: 50 })).filter((e) => e.type.startsWith('phone.')).map((e) => e.reason);

  test('a number gets at most its hourly limit, even when sends race, and the refusals are audited', async () => {
    const to = freshNumber();
    const who = someone();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => server.phone.service.sendText({ to, body: `race ${i}` }, { ...who, accountId: `racer-${i}` })));
    // Each send is recorded before it is counted, so a race errs on the side of refusing.
    const sent = results.filter((r) => r.ok).length;
    expect(sent).toBeLessThanOrEqual(3);
    expect((await json(`/dev/phone/messages?to=${encodeURIComponent(to)}`)).body.messages).toHaveLength(sent);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: 'limited', message: expect.stringMatching(/Too many texts or calls/) });
    expect(await auditReasons()).toContainEqual(expect.stringMatching(/^toll-fraud limit: \d+ sends for this number in the last hour \(limit 3\)$/));
    server.clock.advance(60 * 60 * 1000 + 1);
    expect(await server.phone.service.sendText({ to, body: 'an hour later' }, who)).toEqual({ ok: true });
  });

  test('an account gets at most its hourly limit across its numbers', async () => {
    const who = someone();
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push((await server.phone.service.sendText({ to: freshNumber(), body: 'x' }, who)).ok);
    expect(outcomes).toEqual([true, true, true, true, true, false]);
    const last = (await server.store.audit.tail({ accountId: who.accountId, limit: 1 }))[0];
    expect(last).toMatchObject({ type: 'phone.text', result: 'fail', method: 'sms', username: who.username, clientId: 'wiki', ip: '198.51.100.7', reason: 'toll-fraud limit: 6 sends for this account in the last hour (limit 5)' });
  });

  test('a country not on the allow-list is never texted or called', async () => {
    const who = someone();
    expect(await server.phone.service.sendText({ to: '+33612345678', body: 'x' }, who)).toMatchObject({ ok: false, reason: 'not-allowed' });
    expect(await server.phone.service.placeCall({ to: '+33612345678', mode: 'confirm' }, { ...who, method: 'voice' })).toMatchObject({ ok: false, reason: 'not-allowed' });
    expect(await server.phone.service.sendText({ to: '+447911123456', body: 'allowed' }, who)).toEqual({ ok: true });
    expect((await json('/dev/phone/messages?to=%2B33612345678')).body.messages).toEqual([]);
    expect((await json('/dev/phone/calls?to=%2B33612345678')).body.calls).toEqual([]);
    expect((await server.store.audit.tail({ accountId: who.accountId, limit: 5 })).map((e) => [e.type, e.reason])).toEqual([
      ['phone.text', 'toll-fraud limit: calling code +33 is not allowed (allowed: +1, +44)'],
      ['phone.call', 'toll-fraud limit: calling code +33 is not allowed (allowed: +1, +44)'],
    ]);
  });
});

test('the service parses with the configured country and masks for display', () => {
  expect(server.phone.service.parse('(212) 555-0142')).toMatchObject({ ok: true, number: { e164: '+12125550142' } });
  expect(server.phone.service.mask('+12125550142')).toBe('+1 ••• ••• ••42');
});
