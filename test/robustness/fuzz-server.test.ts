// The fuzzer over the server: every form field of every page (valid and forged CSRF token), the
// pages' query parameters and /authorize's, and the JSON endpoints (the authenticator app API,
// the development phone, WebAuthn answers; the admin API and console are fuzz-admin.test.ts's). No answer may
// be a 5xx, the server log must hold no error or stack, and the store must not change outside
// the tables that record refusals (listed with their reasons in storeDump.ts).
import { jest } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { UserAgent } from '../helpers/userAgent.js';
import { type Answer, type FuzzCounts, fuzzSurface, judge, newCounts, send } from './fuzzForms.js';
import { full, report, sized } from './mode.js';
import { encodeField, payloads, payloadsFor } from './payloads.js';
import { type FuzzSite, pageForms, securityInfoSubPages, startFuzzSite } from './site.js';
import { changesExpected, diffDumps, dumpStore } from './storeDump.js';

jest.setTimeout(sized(120_000, 2_400_000));

let site: FuzzSite;
const counts: FuzzCounts = newCounts();
const rejections: string[] = [];
const onRejection = (reason: unknown) => rejections.push(String((reason as Error)?.stack ?? reason));

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  site = await startFuzzSite();
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await site?.server.stop();
  report(`server: ${counts.requests} requests fuzzed, ${counts.fields.size} fields covered (${counts.forms.size} forms on the pages, the rest query parameters and JSON fields)`);
});

const serverErrors = () => site.server.logs.filter((line) => /\bERROR\b|"level":\s*(50|60)|\bat .+\.(ts|js):\d+/.test(line));

test('every form field and query parameter of every page takes hostile input without a 5xx or a change to the store', async () => {
  const surfaces = [...site.surfaces, ...(await securityInfoSubPages(site))];
  for (const [index, surface] of surfaces.entries()) {
    try {
      await fuzzSurface(surface, counts, index, () => dumpStore(site.server.dataDir));
    } catch (error) {
      counts.problems.push(`${surface.name}: could not be reached or fuzzed: ${(error as Error).message}`);
    }
  }
  expect(counts.problems).toEqual([]);
  expect(counts.changes).toEqual([]);
  expect(serverErrors()).toEqual([]);
  expect(rejections).toEqual([]);
  report(`store unchanged outside ${Object.keys(changesExpected).join(', ')} over ${surfaces.length} pages`);
});

test('every /authorize parameter takes hostile input without a 5xx', async () => {
  const { url } = await site.rp.begin({ acr_values: 'https://refeds.org/profile/mfa', login_hint: 'full', max_age: '300', prompt: 'login', ui_locales: 'en', claims: '{"id_token":{"acr":{"essential":true}}}' });
  const valid = new URL(url);
  const before = dumpStore(site.server.dataDir);
  const problems: string[] = [];
  const names = [...valid.searchParams.keys(), 'request', 'request_uri', 'id_token_hint', 'display', 'resource', 'response_mode'];
  for (const [i, name] of names.entries()) {
    counts.fields.add(`/authorize ?${name}`);
    for (const payload of payloadsFor(i, full ? payloads.length : 4)) {
      if (payload.text.length > 100_000) continue;
      const query = new URLSearchParams(valid.search);
      query.delete(name);
      const agent = new UserAgent(site.server.issuer);
      const answer = await send(agent, 'GET', `${valid.pathname}?${[query.toString(), encodeField(payload, name)].join('&')}`);
      counts.requests++;
      const problem = judge(answer, `/authorize ${name}=${payload.name}`);
      if (problem) problems.push(problem);
      // The same as a form post (OpenID Connect Core 3.1.2.1 allows POST to the authorization endpoint).
      const posted = await send(agent, 'POST', valid.pathname, [query.toString(), encodeField(payload, name)].join('&'));
      counts.requests++;
      const postProblem = judge(posted, `POST /authorize ${name}=${payload.name}`);
      if (postProblem) problems.push(postProblem);
    }
  }
  expect(problems).toEqual([]);
  expect(diffDumps(before, dumpStore(site.server.dataDir))).toEqual([]);
  expect(serverErrors()).toEqual([]);
  expect(rejections).toEqual([]);
});

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64url');
// JSON.parse keeps __proto__ as a plain key, as a request body would.
const protoBody = JSON.parse('{"__proto__":{"zq":1},"constructor":{"prototype":{"zq":1}}}');

/** Whole bodies that are not what any endpoint wants. */
const brokenBodies = ['', 'not json', '{', '[]', 'null', '"text"', '1e309', '{"a":1,"a":2}', '['.repeat(5000) + ']'.repeat(5000), JSON.stringify(protoBody), `{"x":"${'A'.repeat(1024 * 1024)}"}`];

/** The value a payload puts in a JSON field. */
const jsonValue = (payload: (typeof payloads)[number]) => (payload.name === 'proto key' ? protoBody : payload.json !== undefined ? payload.json : payload.text);

/** Every top-level and second-level field of `valid`, replaced in turn by hostile values. */
function* variants(valid: Record<string, unknown>, index: number): Generator<[string, string]> {
  const keys = Object.entries(valid).flatMap(([key, value]) => (value && typeof value === 'object' && !Array.isArray(value) ? [[key], ...Object.keys(value).map((inner) => [key, inner])] : [[key]]));
  for (const [i, path] of keys.entries()) {
    for (const payload of payloadsFor(index * 17 + i, full ? payloads.length : 4)) {
      const body = structuredClone(valid);
      let target = body as Record<string, unknown>;
      for (const step of path.slice(0, -1)) target = target[step] as Record<string, unknown>;
      target[path.at(-1)!] = jsonValue(payload);
      yield [`${path.join('.')}=${payload.name}`, JSON.stringify(body)];
    }
  }
}

async function fuzzJson(agent: UserAgent, method: 'POST', path: string, valid: Record<string, unknown>, index: number, problems: string[]) {
  const check = (answer: Answer, what: string) => {
    counts.requests++;
    const problem = judge(answer, `${method} ${path} ${what}`);
    if (problem) problems.push(problem);
  };
  for (const key of Object.keys(valid)) counts.fields.add(`${path} ${key}`);
  for (const [what, body] of variants(valid, index)) check(await send(agent, method, path, body, 'application/json'), what);
  for (const body of full ? brokenBodies : brokenBodies.filter((_, i) => i % 3 === index % 3)) check(await send(agent, method, path, body, 'application/json'), `body ${body.slice(0, 20)}`);
  check(await send(agent, method, path, JSON.stringify(valid), 'text/plain'), 'as text/plain');
  check(await send(agent, method, path, 'a=b', 'application/x-www-form-urlencoded'), 'as a form');
}

test('the authenticator app API, the development phone JSON and WebAuthn answers take hostile JSON without a 5xx or a change to the store', async () => {
  const agent = new UserAgent(site.server.issuer);
  const problems: string[] = [];
  // A call ringing on the development phone, so its keypad is reached (a person chose a call).
  const listCalls = async () => JSON.parse((await send(agent, 'GET', '/dev/phone/calls')).body).calls as { id: string }[];
  for (const surface of site.surfaces.filter((s) => s.name.startsWith('verification: option'))) {
    if ((await listCalls()).length) break;
    await surface.reach();
  }
  const callId = (await listCalls())[0]!.id;

  const before = dumpStore(site.server.dataDir);
  const signature = b64(randomBytes(64));
  const device = 'full-device-1';
  const jwk = { kty: 'EC', crv: 'P-256', x: b64(randomBytes(32)), y: b64(randomBytes(32)) };
  await fuzzJson(agent, 'POST', '/authenticator/api/activate', { code: '12345678', publicKey: jwk, name: 'Phone', signature }, 0, problems);
  await fuzzJson(agent, 'POST', `/authenticator/api/requests/${randomUUID()}/answer`, { device, decision: 'approve', number: '42', signature }, 1, problems);
  await fuzzJson(agent, 'POST', '/authenticator/api/subscription', { device, ts: Date.now(), endpoint: 'https://push.example.com/x', p256dh: b64(randomBytes(65)), auth: b64(randomBytes(16)), signature }, 2, problems);
  await fuzzJson(agent, 'POST', `/dev/phone/calls/${randomUUID()}/keys`, { keys: '#' }, 3, problems);
  await fuzzJson(agent, 'POST', `/dev/phone/calls/${randomUUID()}/hangup`, {}, 4, problems);
  // Query strings of the JSON GET endpoints.
  for (const [i, path] of ['/authenticator/api/requests', '/authenticator/api/stream', '/dev/phone/messages', '/dev/phone/calls', `/authenticator/api/activations/${randomUUID()}`].entries()) {
    for (const name of ['device', 'ts', 'sig', 'to']) {
      counts.fields.add(`${path} ?${name}`);
      for (const payload of payloadsFor(i * 5 + name.length, full ? payloads.length : 2)) {
        if (payload.text.length > 100_000) continue;
        const value = payload.encode ? payload.encode(name) : `${name}=${encodeURIComponent(payload.text.replace(/[\uD800-\uDFFF]/g, '\uFFFD'))}`;
        const base = name === 'device' ? 'ts=1&sig=AAAA' : `device=${device}&ts=1&sig=AAAA`;
        const answer = await send(agent, 'GET', `${path}?${base}&${value}`);
        counts.requests++;
        const problem = judge(answer, `GET ${path} ${name}=${payload.name}`);
        if (problem) problems.push(problem);
      }
    }
  }
  expect(diffDumps(before, dumpStore(site.server.dataDir))).toEqual([]);

  // The keypad of a ringing call: pressing keys is what it is for, so only phone_calls may change.
  const ringing = dumpStore(site.server.dataDir);
  await fuzzJson(agent, 'POST', `/dev/phone/calls/${callId}/keys`, { keys: '5' }, 5, problems);
  expect(diffDumps(ringing, dumpStore(site.server.dataDir)).filter((line) => !line.startsWith('phone_calls:'))).toEqual([]);

  expect(problems).toEqual([]);
  expect(serverErrors()).toEqual([]);
  expect(rejections).toEqual([]);
});

test('WebAuthn answers that are well-formed JSON with hostile contents are refused without a 5xx or a change to the store', async () => {
  const problems: string[] = [];
  const clientData = (type: string, challenge: unknown) => b64(JSON.stringify({ type, challenge, origin: site.server.issuer, crossOrigin: false }));
  const contents = (type: string) => [
    b64('not json'), b64('{}'), clientData(type, { $gt: '' }), clientData(type, 'AAAA'), clientData(type, '{{7*7}} zq'), clientData('webauthn.other', 'AAAA'),
    b64(`{"type":"${type}","challenge":"${'A'.repeat(1500)}"}`),
  ];
  const answers = (type: 'webauthn.create' | 'webauthn.get') => contents(type).flatMap((clientDataJSON, i) => {
    const keyId = Buffer.from('full-key').toString('base64url');
    const common = { id: keyId, rawId: keyId, type: 'public-key', clientExtensionResults: {} };
    const bytes = [b64(randomBytes(i * 7 + 1)), b64(Buffer.alloc(37)), 'AAAA'];
    return bytes.map((raw) => JSON.stringify(type === 'webauthn.create'
      ? { ...common, response: { clientDataJSON, attestationObject: raw, transports: ['usb', '{{7*7}} zq'] } }
      : { ...common, response: { clientDataJSON, authenticatorData: raw, signature: raw, userHandle: 'AAAA' } }));
  });
  const options = site.surfaces.filter((s) => s.name.startsWith('verification: option'));
  for (const [name, type] of [['setup: webauthn', 'webauthn.create'], ['verification: option', 'webauthn.get']] as const) {
    // The verification page that asks for a key's answer (a field named response).
    let reached;
    for (const surface of name === 'setup: webauthn' ? site.surfaces.filter((s) => s.name === name) : options) {
      reached = await surface.reach();
      if (pageForms(reached.page.html).some((f) => 'response' in f.fields)) break;
    }
    const { agent, page } = reached!;
    const before = dumpStore(site.server.dataDir);
    const form = pageForms(page.html).find((f) => 'response' in f.fields)!;
    counts.fields.add(`${name} response (JSON)`);
    for (const answer of full ? answers(type) : answers(type).filter((_, i) => i % 4 === 0)) {
      const body = new URLSearchParams({ ...form.fields, response: answer }).toString();
      const result = await send(agent, 'POST', new URL(form.action, page.url).href, body);
      counts.requests++;
      const problem = judge(result, `${name} response=${answer.slice(0, 80)}`);
      if (problem) problems.push(problem);
      if (result.status < 400) problems.push(`${name}: a forged answer was not refused (status ${result.status})`);
    }
    expect(diffDumps(before, dumpStore(site.server.dataDir))).toEqual([]);
  }
  expect(problems).toEqual([]);
  expect(serverErrors()).toEqual([]);
  expect(rejections).toEqual([]);
});
// The admin API and the admin console are fuzzed by fuzz-admin.test.ts (as an administrator, from
// the API's own OpenAPI document).
