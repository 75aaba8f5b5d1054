// The Twilio adapter against a stand-in for Twilio's REST API on 127.0.0.1 that checks the
// request shapes Twilio documents (Messages and Calls create: form-encoded, HTTP Basic auth
// with the account SID and auth token, To/From/Body, To/From/Twiml/StatusCallback); and
// Twilio's callbacks to Twofold, signed as Twilio signs them, or not.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature } from '../../src/phone/twilio/signature.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const accountSid = `AC${'1f'.repeat(16)}`;
const authToken = '0123456789abcdef0123456789abcdef';
const from = '+12125550100';
const publicUrl = 'https://idp.example.com';

interface Received {
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  params: URLSearchParams;
}

let api: Server;
let apiUrl: string;
const received: Received[] = [];
/** The next answer the stand-in gives, instead of a created resource. */
let failNext: { status: number; body: Record<string, unknown> } | undefined;
let sids = 0;

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

let server: TestServer;
beforeAll(async () => {
  api = createServer(async (request, response) => {
    const params = new URLSearchParams(await readBody(request));
    received.push({ path: request.url!, authorization: request.headers.authorization, contentType: request.headers['content-type'], params });
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const resource = new RegExp(`^/2010-04-01/Accounts/${accountSid}/(Messages|Calls)\\.json$`).exec(request.url!)?.[1];
    if (request.method !== 'POST' || !resource) return reply(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    if (request.headers.authorization !== `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`) {
      return reply(401, { code: 20003, message: 'Authenticate', status: 401 });
    }
    if (failNext) {
      const { status, body } = failNext;
      failNext = undefined;
      return reply(status, body);
    }
    const required = resource === 'Messages' ? ['To', 'From', 'Body'] : ['To', 'From', 'Twiml', 'StatusCallback'];
    const missing = required.filter((name) => !params.get(name));
    if (missing.length || request.headers['content-type'] !== 'application/x-www-form-urlencoded') {
      return reply(400, { code: 21201, message: `missing ${missing.join(', ')}`, status: 400 });
    }
    const sid = `${resource === 'Messages' ? 'SM' : 'CA'}${String(++sids).padStart(32, '0')}`;
    reply(201, { sid, account_sid: accountSid, to: params.get('To'), from: params.get('From'), status: 'queued' });
  });
  await new Promise<void>((done) => api.listen(0, '127.0.0.1', done));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  server = await startTestServer({
    displayName: 'Acme', phone: 'twilio', twilioAccountSid: accountSid, twilioAuthToken: authToken, twilioFrom: from, twilioApiUrl: apiUrl, phoneCallbackUrl: publicUrl, phoneLimitPerAccount: 100,
  });
});
afterAll(async () => {
  await server.stop();
  await new Promise((done) => api.close(done));
});
beforeEach(() => {
  received.length = 0;
});

const who = { accountId: 'account-1', username: 'alice', clientId: 'wiki', ip: '198.51.100.7', method: 'voice' };
let numbers = 0;
const freshNumber = () => `+1212555${String(2000 + ++numbers)}`;

async function placeCall(mode: 'confirm' | 'pin', extension?: string) {
  const placed = await server.phone.service.placeCall({ to: freshNumber(), mode, extension }, who);
  if (!placed.ok) throw new Error(placed.message);
  const request = received.at(-1)!;
  return { callId: placed.callId, request, callSid: (await server.store.phone.getCall(placed.callId))!.externalId! };
}

/** Posts a callback as Twilio would: to the public URL's path, signed over the public URL. */
async function callback(path: string, params: Record<string, string>, { signWith = authToken, signature }: { signWith?: string; signature?: string } = {}) {
  const response = await fetch(`${server.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature ?? twilioSignature(signWith, `${publicUrl}${path}`, params) },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}
const gather = (callId: string, callSid: string, params: Record<string, string>, query = '') =>
  callback(`/phone/twilio/calls/${callId}/gather${query}`, { AccountSid: accountSid, CallSid: callSid, CallStatus: 'in-progress', ...params });
const status = (callId: string, callSid: string, callStatus: string) =>
  callback(`/phone/twilio/calls/${callId}/status`, { AccountSid: accountSid, CallSid: callSid, CallStatus: callStatus });

test('a text goes through the Messages API with the account\'s credentials', async () => {
  const to = freshNumber();
  expect(await server.phone.service.sendText({ to, body: '123456 is your Acme sign-in code.' }, { ...who, method: 'sms' })).toEqual({ ok: true });
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({ path: `/2010-04-01/Accounts/${accountSid}/Messages.json`, contentType: 'application/x-www-form-urlencoded' });
  expect(Object.fromEntries(received[0]!.params)).toEqual({ To: to, From: from, Body: '123456 is your Acme sign-in code.' });
});

test('a call goes through the Calls API with TwiML that gathers one key and posts it to the public callback URL', async () => {
  const { callId, request, callSid } = await placeCall('confirm', '4321');
  expect(request.path).toBe(`/2010-04-01/Accounts/${accountSid}/Calls.json`);
  expect(callSid).toMatch(/^CA\d{32}$/);
  const params = Object.fromEntries(request.params);
  expect(params).toMatchObject({ From: from, StatusCallback: `${publicUrl}/phone/twilio/calls/${callId}/status`, StatusCallbackMethod: 'POST', SendDigits: 'wwww4321' });
  expect(params.Twiml).toContain(`<Gather input="dtmf" numDigits="1" finishOnKey="" timeout="10" method="POST" action="${publicUrl}/phone/twilio/calls/${callId}/gather">`);
  expect(params.Twiml).toContain('<Say>This is Acme. Someone is signing in to your account. If it is you, press the pound key to finish signing in.');
  expect(params.Twiml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response>.*<\/Response>$/);
});

test('# answered on the call confirms it; the status callback after it changes nothing', async () => {
  const { callId, callSid } = await placeCall('confirm');
  expect(await server.phone.service.callAnswer(callId, 'confirm')).toEqual({ kind: 'waiting' });
  const answered = await gather(callId, callSid, { Digits: '#' });
  expect(answered).toMatchObject({ status: 200, type: expect.stringMatching(/^text\/xml/) });
  expect(answered.body).toContain('<Say>Thank you. You can hang up now.</Say><Hangup/>');
  expect(await status(callId, callSid, 'completed')).toMatchObject({ status: 204 });
  expect(await server.phone.service.callAnswer(callId, 'confirm')).toEqual({ kind: 'confirmed' });
});

test('0 then # reports fraud: the call asks for the # that confirms the report', async () => {
  const { callId, callSid } = await placeCall('confirm');
  const zero = await gather(callId, callSid, { Digits: '0' });
  expect(zero.body).toContain(`action="${publicUrl}/phone/twilio/calls/${callId}/gather?after=0"`);
  expect(await server.phone.service.callAnswer(callId, 'confirm')).toEqual({ kind: 'waiting' });
  const hash = await gather(callId, callSid, { Digits: '#' }, '?after=0');
  expect(hash.body).toContain('The sign-in has been stopped and reported.');
  expect(await server.phone.service.callAnswer(callId, 'confirm')).toEqual({ kind: 'fraud' });
});

test('in PIN mode the keys up to # are the PIN; a PIN that timed out before # is a wrong answer; 0# is fraud', async () => {
  const first = await placeCall('pin');
  expect(first.request.params.get('Twiml')).toContain('<Gather input="dtmf" finishOnKey="#" timeout="10" actionOnEmptyResult="true"');
  expect(first.request.params.get('Twiml')).toContain('enter your PIN followed by the pound key');
  await gather(first.callId, first.callSid, { Digits: '2468', FinishedOnKey: '#' });
  expect(await server.phone.service.callAnswer(first.callId, 'pin')).toEqual({ kind: 'pin', pin: '2468' });
  const second = await placeCall('pin');
  await gather(second.callId, second.callSid, { Digits: '2468', FinishedOnKey: '' });
  expect(await server.phone.service.callAnswer(second.callId, 'pin')).toEqual({ kind: 'wrong-keys' });
  const third = await placeCall('pin');
  await gather(third.callId, third.callSid, { Digits: '0', FinishedOnKey: '#' });
  expect(await server.phone.service.callAnswer(third.callId, 'pin')).toEqual({ kind: 'fraud' });
});

test('silence, no answer, busy and a failed call each end the wait with the reason', async () => {
  const silent = await placeCall('pin');
  expect((await gather(silent.callId, silent.callSid, { Digits: '', FinishedOnKey: '' })).body).toContain('We did not receive an answer.');
  expect(await server.phone.service.callAnswer(silent.callId, 'pin')).toEqual({ kind: 'no-answer' });
  for (const [callStatus, answer] of [['no-answer', { kind: 'no-answer' }], ['busy', { kind: 'no-answer' }], ['completed', { kind: 'no-answer' }], ['failed', { kind: 'failed', detail: 'Twilio could not place the call' }]] as const) {
    const { callId, callSid } = await placeCall('confirm');
    expect(await status(callId, callSid, callStatus)).toMatchObject({ status: 204 });
    expect(await server.phone.service.callAnswer(callId, 'confirm')).toEqual(answer);
  }
});

test('a callback with a bad signature is refused and changes nothing', async () => {
  const { callId, callSid } = await placeCall('confirm');
  const params = { AccountSid: accountSid, CallSid: callSid, Digits: '#' };
  const path = `/phone/twilio/calls/${callId}/gather`;
  expect(await callback(path, params, { signWith: 'ffffffffffffffffffffffffffffffff' })).toMatchObject({ status: 403, body: '' });
  expect(await callback(path, params, { signature: '' })).toMatchObject({ status: 403 });
  // Signed for the address the request reached rather than the public URL Twilio was given.
  const local = await fetch(`${server.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(authToken, `${server.issuer}${path}`, params) },
    body: new URLSearchParams(params).toString(),
  });
  expect(local.status).toBe(403);
  // A genuine signature over other parameters does not carry over to these.
  const signedForStar = twilioSignature(authToken, `${publicUrl}${path}`, { ...params, Digits: '*' });
  expect(await callback(path, params, { signature: signedForStar })).toMatchObject({ status: 403 });
  expect(await callback(`/phone/twilio/calls/${callId}/status`, { AccountSid: accountSid, CallSid: callSid, CallStatus: 'failed' }, { signWith: 'ffffffffffffffffffffffffffffffff' })).toMatchObject({ status: 403 });
  expect(await server.phone.service.callAnswer(callId, 'confirm')).toEqual({ kind: 'waiting' });
  expect(server.logs.some((line) => line.includes('twilio callback refused') && line.includes('X-Twilio-Signature does not match'))).toBe(true);
});

test("a signed callback for another account's or another call's SID is refused", async () => {
  const { callId, callSid } = await placeCall('confirm');
  expect(await gather(callId, `CA${'9'.repeat(32)}`, { Digits: '#' })).toMatchObject({ status: 404 });
  expect(await callback(`/phone/twilio/calls/${callId}/gather`, { AccountSid: `AC${'2e'.repeat(16)}`, CallSid: callSid, Digits: '#' })).toMatchObject({ status: 404 });
  expect(await gather('no-such-call', callSid, { Digits: '#' })).toMatchObject({ status: 404 });
  expect(await server.phone.service.callAnswer(callId, 'confirm')).toEqual({ kind: 'waiting' });
});

test('when Twilio refuses a call the person is told it could not be reached, and the audit log says why', async () => {
  failNext = { status: 400, body: { code: 21211, message: "The 'To' number +12125552999 is not a valid phone number.", status: 400 } };
  const refused = await server.phone.service.placeCall({ to: freshNumber(), mode: 'confirm' }, who);
  expect(refused).toEqual({ ok: false, reason: 'unreachable', message: expect.stringMatching(/couldn't reach that phone/) });
  expect((await server.store.audit.tail({ accountId: who.accountId, limit: 1 }))[0]).toMatchObject({
    type: 'phone.call', result: 'fail', reason: "Twilio Calls answered 400 (error 21211): The 'To' number +12125552999 is not a valid phone number.",
  });
  const [call] = await server.store.phone.listCalls(1);
  expect(call).toMatchObject({ status: 'failed', externalId: null });
});

test('the development phone does not exist when Twilio is configured', async () => {
  expect((await fetch(`${server.issuer}/dev/phone/messages`)).status).toBe(404);
});
