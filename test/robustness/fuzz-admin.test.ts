// The fuzzer over the admin console and the admin API. The API's operations are read from its
// own /admin/api/openapi.json (paths, methods, body schemas, path and query parameters) and
// called with an admin token as automation gets one (client credentials); the console's pages
// are walked as a signed-in administrator (password and a second factor), and every form read
// from the HTML is fuzzed with a valid and a forged CSRF token. No answer may be a 5xx, an API
// refusal must be 400/404/409/413/415 with a JSON message, and a refused request changes nothing.
import { jest } from '@jest/globals';
import { request } from 'node:http';
import * as oidc from 'openid-client';
import { generateSecret } from 'otplib';
import { createAccount } from '../../src/accounts/createAccount.js';
import { registerClient } from '../../src/clients/registerClient.js';
import { appCode, enterCode } from '../helpers/mfa.js';
import { createRelyingParty } from '../helpers/rp.js';
import { policies, startTestServer, type TestServer } from '../helpers/server.js';
import { alertText, UserAgent } from '../helpers/userAgent.js';
import { type Answer, type FuzzCounts, fuzzSurface, judge, newCounts, send } from './fuzzForms.js';
import { full, report, sized } from './mode.js';
import { type Payload, payloads, payloadsFor, templateMarkers } from './payloads.js';
import { pageLinks, type Surface } from './site.js';
import { diffDumps, dumpStore } from './storeDump.js';

jest.setTimeout(sized(60_000, 1_200_000));

const password = 'correct horse battery staple';
/**
 * The admin API's and console's own state (bypasses and console sessions) lives in the
 * challenges table, so unlike the sign-in pages' fuzzer this one watches it too: only the
 * refusal records (audit, attempts, regulation) and oidc-provider's tokens and sessions may change.
 */
const unwatched = {
  audit: 'every refusal is audited', attempts: 'regulation counters', regulation: 'lockouts follow from attempts',
  oidc_payloads: "oidc-provider's tokens, sessions and interactions (the console's sign-in writes them)",
};

let server: TestServer;
let token: string;
let victim: { id: string; credentialId: string };
const counts: FuzzCounts = newCounts();
const dump = () => dumpStore(server.dataDir, unwatched);
const rejections: string[] = [];
const onRejection = (reason: unknown) => rejections.push(String((reason as Error)?.stack ?? reason));
const serverErrors = () => server.logs.filter((line) => /\bERROR\b|"level":\s*(50|60)|\bat .+\.(ts|js):\d+/.test(line));

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  server = await startTestServer({ adminApiClients: ['automation'] }, { policy: policies.mfaForAll });
  await createRelyingParty(server, { clientId: 'wiki' });
  await registerClient(server.store.clients, { clientId: 'target-app', name: 'Target', public: false, firstParty: false, redirectUris: ['https://target.example.com/cb'], grantTypes: ['authorization_code'] });
  const { client } = await registerClient(server.store.clients, { clientId: 'automation', name: 'automation', public: false, firstParty: true, redirectUris: [], grantTypes: ['client_credentials'] });
  const config = await oidc.discovery(new URL(server.issuer), 'automation', {}, oidc.ClientSecretBasic(client.secret!), { execute: [oidc.allowInsecureRequests] });
  token = (await oidc.clientCredentialsGrant(config, { scope: 'twofold:admin' })).access_token;
  const { id } = await createAccount(server.store.accounts, { username: 'victim', password, displayName: 'Victim' });
  const credential = await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Phone', secret: generateSecret() });
  victim = { id, credentialId: credential.id };
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await server?.stop();
  report(`admin: ${counts.requests} requests fuzzed, ${counts.fields.size} fields covered (${counts.forms.size} console forms, the rest API body fields, path and query parameters)`);
});

// ---------------------------------------------------------------------------------------------
// The admin API

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
interface Operation {
  method: Method;
  /** The OpenAPI path, with {params}. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  /** The body schema's properties, when the operation takes a body. */
  bodyFields?: string[];
  bodyRequired: boolean;
}

/** Sends one API call with the admin token. */
function api(method: Method, path: string, body?: string, contentType = 'application/json'): Promise<Answer> {
  return sendWith(method, `/admin/api${path}`, { authorization: `Bearer ${token}` }, body, contentType);
}

/** One request written by hand, with node:http as fuzzForms' send() (which see: a 413 may come before the body is read). */
async function sendWith(method: Method, target: string, headers: Record<string, string>, body?: string, contentType = 'application/json'): Promise<Answer> {
  const url = new URL(target, server.issuer);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method, agent: false, headers: { ...headers, ...(body !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const answerHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) for (const one of [value ?? []].flat()) answerHeaders.append(name, one);
        resolve({ status: res.statusCode ?? 0, headers: answerHeaders, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!answered) reject(new Error(`${method} ${url.pathname}: no answer: ${error.message}`));
    });
    req.end(body);
  });
}

/** The operations, as the API's OpenAPI document describes them. */
async function operations(): Promise<Operation[]> {
  const answer = await sendWith('GET', '/admin/api/openapi.json', {});
  expect(answer.status).toBe(200);
  type Parameter = { name: string; in: string };
  const document = JSON.parse(answer.body) as {
    paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { required?: boolean; content: Record<string, { schema: { $ref: string } }> } } & Parameter[]>>;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  };
  const found: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    const shared = (item.parameters ?? []) as unknown as Parameter[];
    for (const [method, operation] of Object.entries(item)) {
      if (method === 'parameters') continue;
      const parameters = [...shared, ...(operation.parameters ?? [])];
      const ref = operation.requestBody?.content['application/json']?.schema.$ref;
      const schema = ref ? document.components.schemas[ref.split('/').at(-1)!] : undefined;
      found.push({
        method: method.toUpperCase() as Method, path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        bodyFields: schema ? Object.keys(schema.properties ?? {}) : undefined,
        bodyRequired: operation.requestBody?.required ?? false,
      });
    }
  }
  return found;
}

/**
 * A valid body for each operation that takes one: each field in turn is replaced by a hostile
 * value, the rest left valid, so the value reaches the handler and not only the schema.
 */
const validBodies: Record<string, Record<string, unknown>> = {
  'POST /users': { username: 'fuzzed.person', password, displayName: 'Fuzzed', email: 'fuzzed@example.com', phone: '+15554440123', groups: ['staff'] },
  'PATCH /users/{id}': { displayName: 'Victim', email: 'victim@example.com', emailVerified: false, phone: '+15554440124', phoneVerified: false, disabled: false, groups: ['staff'] },
  'POST /users/{id}/bypass': { minutes: 5 },
  'POST /applications': { clientId: 'fuzzed-app', name: 'Fuzzed', public: false, firstParty: false, legacy: false, redirectUris: ['https://fuzzed.example.com/cb'] },
  'PATCH /applications/{clientId}': { name: 'Target', redirectUris: ['https://target.example.com/cb'], postLogoutRedirectUris: [], firstParty: false, legacy: false },
  'POST /tokens/import': { format: 'csv', file: 'serial,secret\n', fileName: 'tokens.csv', type: 'totp', secretFormat: 'auto', preSharedKey: 'x' },
  'POST /tokens/assign': { serial: 'NOSUCHSERIAL', username: 'victim' },
};

/**
 * Operations a hostile value in one field may leave valid, so that they succeed by design; the
 * tables such a success may change. The rows changed are still checked for evaluated values.
 */
const apiAcceptedByDesign: Record<string, { tables: string[]; why: string }> = {
  'POST /users': { tables: ['accounts', 'account_groups'], why: 'creating a user whose display name (or other free text) is any text is what it is for' },
  'PATCH /users/{id}': { tables: ['accounts', 'account_groups'], why: 'a display name is any text; the other fields left valid still apply' },
  'POST /applications': { tables: ['clients'], why: 'an application name is any text; the application is created as asked' },
  'PATCH /applications/{clientId}': { tables: ['clients'], why: 'an application name is any text; a PATCH with no body changes nothing' },
  'POST /users/{id}/bypass': { tables: ['challenges'], why: 'minutes left out means the default (5 minutes): the bypass is issued as asked' },
};

/**
 * Operations whose whole point is to act on the resource the path names, with no body (or an
 * optional one): called only with path parameters that name nothing, since with a real one
 * they succeed and change the store by design.
 */
const actsByDesign: Record<string, string> = {
  'DELETE /users/{id}/methods/{credentialId}': 'removes the method',
  'POST /users/{id}/reregister': 'removes every method and ends every session',
  'POST /users/{id}/unlock': 'lifts lockouts',
  'POST /users/{id}/unblock': 'lifts a fraud block',
  'DELETE /users/{id}/bypass': 'withdraws a bypass',
  'POST /applications/{clientId}/rotate-secret': 'issues a new secret',
  'POST /tokens/{serial}/unassign': 'returns a token to stock',
};

/** Path parameters that name something real, for the body and query fuzzing. */
const realParam = (name: string) => ({ id: victim.id, credentialId: victim.credentialId, clientId: 'target-app', serial: 'NOSUCHSERIAL' })[name] ?? 'x';

/** Path parameters shaped like injections, encoded as a client would (and some not quite). */
const hostileSegments = [
  ...payloads.filter((p) => p.text.length < 2000 && !p.json).map((p) => encodeURIComponent(p.text.replace(/[\uD800-\uDFFF]/g, '\uFFFD'))),
  '%zz', '%FF%FE', '%00', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', 'x'.repeat(8000), '%C0%AF', '__proto__', 'constructor', '[object Object]',
];

const refusals = [400, 404, 409, 413, 415];

/** What is wrong with an API answer: a 5xx, an evaluated value, or a refusal without a JSON message. */
function judgeApi(answer: Answer, what: string, mustRefuse: boolean): string | undefined {
  const problem = judge(answer, what);
  if (problem) return problem;
  if (answer.status < 400) return mustRefuse ? `${what}: status ${answer.status}, not refused` : undefined;
  if (!refusals.includes(answer.status)) return `${what}: status ${answer.status} (expected one of ${refusals.join('/')})`;
  try {
    const body = JSON.parse(answer.body) as { error?: unknown; message?: unknown };
    if (typeof body.error !== 'string' || typeof body.message !== 'string' || !body.message) return `${what}: status ${answer.status} without a JSON message: ${answer.body.slice(0, 200)}`;
  } catch {
    return `${what}: status ${answer.status} is not JSON: ${answer.body.slice(0, 200)}`;
  }
  return undefined;
}

/** The value a payload puts in a JSON field. */
const jsonValue = (payload: Payload) => (payload.json !== undefined ? payload.json : payload.text);
/** Whole bodies that are not what any endpoint wants. */
const brokenBodies = ['not json', '{', '[]', 'null', '"text"', '1e309', '{"a":1,"a":2}', '['.repeat(5000) + ']'.repeat(5000), '{"__proto__":{"zq":1}}', `{"x":"${'A'.repeat(1024 * 1024 + 10)}"}`];

test('every admin API operation in its OpenAPI document takes hostile input without a 5xx, with a JSON refusal, and a refusal changes nothing', async () => {
  const found = await operations();
  const problems: string[] = [];
  const accepted = new Map<string, number>();
  /** One call; with the store compared before and after it. */
  const call = async (operation: Operation, path: string, what: string, body?: string, contentType?: string, mayAccept = false) => {
    const key = `${operation.method} ${operation.path}`;
    const before = dump();
    const answer = await api(operation.method, path, body, contentType);
    counts.requests++;
    const rule = apiAcceptedByDesign[key];
    // A GET only reads: it answers what it finds (and must change nothing, as below).
    const problem = judgeApi(answer, `${key} ${what}`, operation.method !== 'GET' && !(mayAccept && rule));
    if (problem) problems.push(problem);
    const changes = diffDumps(before, dump());
    if (answer.status >= 400 || !rule) {
      for (const line of changes) problems.push(`${key} ${what}: status ${answer.status} but the store changed: ${line}`);
    } else {
      accepted.set(key, (accepted.get(key) ?? 0) + 1);
      for (const line of changes) {
        if (!rule.tables.some((table) => line.startsWith(`${table}:`))) problems.push(`${key} ${what}: accepted, and changed a table it should not: ${line}`);
        if (templateMarkers.some((marker) => marker.test(line))) problems.push(`${key} ${what}: an evaluated value was stored: ${line}`);
      }
    }
    return answer;
  };
  const fill = (operation: Operation, values: Record<string, string> = {}) => operation.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? encodeURIComponent(realParam(name)));

  // Paths and queries first, before the body fuzzing below creates users and applications whose
  // hostile names a hostile path parameter would then name.
  for (const [index, operation] of found.entries()) {
    const key = `${operation.method} ${operation.path}`;
    // Path parameters that name nothing real, shaped like injections: a 404 or a 400, never a change.
    for (const name of operation.pathParams) {
      counts.fields.add(`${key} {${name}}`);
      const segments = full ? hostileSegments : hostileSegments.filter((_, i) => i % 6 === index % 6);
      for (const segment of segments) await call(operation, fill(operation, { [name]: segment }), `{${name}}=${segment.slice(0, 40)}`, operation.bodyFields ? '{}' : undefined);
    }
    // Query parameters (those documented, and one that is not).
    for (const [i, name] of [...operation.queryParams, 'zq'].entries()) {
      counts.fields.add(`${key} ?${name}`);
      for (const payload of payloadsFor(index * 11 + i, full ? payloads.length : 3)) {
        if (payload.text.length > 16_000) continue; // Node's HTTP parser answers 431 to a longer request line before Twofold sees it
        const value = payload.encode ? payload.encode(name) : `${name}=${encodeURIComponent(payload.text.replace(/[\uD800-\uDFFF]/g, '\uFFFD'))}`;
        // GETs only read; for the others the query is noise beside a path that names nothing.
        const path = operation.method === 'GET' ? fill(operation) : fill(operation, Object.fromEntries(operation.pathParams.map((p) => [p, 'no-such-thing'])));
        await call(operation, `${path}?${value}`, `?${name}=${payload.name}`, operation.bodyFields ? '{}' : undefined);
      }
    }
    if (!operation.bodyFields && operation.method !== 'GET' && !actsByDesign[key]) problems.push(`${key}: takes no body and is not listed in actsByDesign: say what a real call does`);
  }
  for (const [index, operation] of found.entries()) {
    const key = `${operation.method} ${operation.path}`;
    if (!operation.bodyFields) continue;
    // Bodies: a hostile value in each field (the rest valid), then whole bodies that are wrong.
    const valid = validBodies[key];
    if (!valid) {
      problems.push(`${key}: takes a body but has no valid body in validBodies to fuzz from`);
      continue;
    }
    const path = fill(operation);
    // A new user or application each call, so that an accepted one does not make the next a duplicate.
    let made = 0;
    const fresh = (body: Record<string, unknown>) => JSON.stringify(body, (_, value) => (value === 'fuzzed.person' || value === 'fuzzed-app' ? `${value}-${++made}` : value));
    for (const [i, field] of operation.bodyFields.entries()) {
      counts.fields.add(`${key} ${field}`);
      for (const payload of payloadsFor(index * 17 + i, full ? payloads.length : 4)) {
        const body = { ...valid, [field]: payload.name === 'proto key' ? JSON.parse('{"__proto__":{"zq":1}}') : jsonValue(payload) };
        await call(operation, path, `${field}=${payload.name}`, fresh(body), 'application/json', true);
      }
      // Wrong shapes for this field: always refused.
      for (const [name, value] of [['array for the value', [valid[field] ?? 'x', 'y']], ['object for the value', { value: valid[field] ?? 'x' }]] as const) {
        if (Array.isArray(valid[field])) continue;
        await call(operation, path, `${field}=${name}`, JSON.stringify({ ...valid, [field]: value }));
      }
      // Missing: refused when the field is needed, else accepted by design (it stays as it was).
      const { [field]: _, ...without } = valid;
      await call(operation, path, `${field} missing`, fresh(without), 'application/json', true);
    }
    await call(operation, path, 'an unknown field', JSON.stringify({ ...valid, zqUnknown: 1 }));
    await call(operation, path, 'every field the wrong type', JSON.stringify(Object.fromEntries(Object.keys(valid).map((field) => [field, typeof valid[field] === 'string' ? 123 : 'zq']))));
    // The short form keeps, for every operation, the two bodies that found bugs: `null` and one over 1 MB.
    for (const body of full ? brokenBodies : brokenBodies.filter((b, i) => i % 3 === index % 3 || b === 'null' || i === brokenBodies.length - 1)) await call(operation, path, `body ${body.slice(0, 20)}`, body);
    await call(operation, path, 'as text/plain', JSON.stringify(valid), 'text/plain');
    await call(operation, path, 'as a form', 'a=b', 'application/x-www-form-urlencoded');
    if (operation.bodyRequired) await call(operation, path, 'no body', undefined, undefined, true);
  }
  expect(problems).toEqual([]);
  expect(serverErrors()).toEqual([]);
  expect(rejections).toEqual([]);
  report(`admin API: ${found.length} operations from openapi.json; accepted by design (a hostile value that left the body valid): ${[...accepted].map(([key, n]) => `${key} ×${n}`).join(', ') || 'none'}; not called with a real path (they act by design): ${Object.keys(actsByDesign).join(', ')}`);
});

// ---------------------------------------------------------------------------------------------
// The admin console

/**
 * A console refusal is a page that says what was wrong, with a 4xx a form can cause: the page
 * again with its alert, or the error page's message (a forged token, a body too large).
 */
function consoleRefusal(answer: Answer, what: string): string | undefined {
  // Node's HTTP parser answers a request line over 16 KB (the long query strings) before Twofold sees it.
  if (answer.status < 400 || (answer.status === 431 && / GET \?/.test(what))) return undefined;
  if (![400, 403, 404, 413, 415].includes(answer.status)) return `${what}: status ${answer.status} (expected 400/403/404/413/415)`;
  const errorPage = /<h1>We could not continue<\/h1>\s*<p class="lead">[^<]+<\/p>/.test(answer.body);
  if (!alertText(answer.body) && !errorPage) return `${what}: status ${answer.status} without a message: ${answer.body.replace(/\s+/g, ' ').slice(0, 200)}`;
  return undefined;
}

test('every form of every admin console page takes hostile input without a 5xx, and a refused one changes nothing', async () => {
  const { id } = await createAccount(server.store.accounts, { username: 'root', password, groups: ['twofold-admins'] });
  const secret = generateSecret();
  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Phone', secret });
  const { id: target } = await createAccount(server.store.accounts, { username: 'target', password, displayName: 'Target' });
  await server.store.credentials.add({ accountId: target, method: 'totp', label: 'Phone', secret: generateSecret() });

  /** An administrator's browser, signed in with a password and a code. */
  let admin: UserAgent | undefined;
  const signIn = async () => {
    const agent = new UserAgent(server.issuer);
    const callback = `${server.issuer}/admin/callback`;
    server.clock.advance(30_000);
    let page = await agent.follow('/admin', callback);
    page = await agent.submit(page, /\/login$/, { username: 'root', password }, callback);
    page = await enterCode(agent, page, await appCode(server, secret), callback);
    if (!page.location?.startsWith(callback)) throw new Error(`the administrator could not sign in: ${page.status} ${page.url}`);
    await agent.follow(page.location);
    return agent;
  };
  /** A console page, signed in again when a fuzzed form ended the session. */
  const at = (path: string): Surface => ({
    name: `console ${path.replace(target, ':id')}`,
    async reach() {
      admin ??= await signIn();
      let page = await admin.follow(path);
      if (!new URL(page.url).pathname.startsWith('/admin/') || page.status !== 200) {
        admin = await signIn();
        page = await admin.follow(path);
      }
      return { agent: admin, page };
    },
  });
  // The console's pages, walked from its first page (the menu and what the pages link to, one
  // page of each shape); a person's and an application's page are the fuzzer's own target's, so
  // that the administrator's own account and the console's sign-in are not what gets changed.
  const shape = (path: string) => path.replace(/^\/admin\/(users|applications)\/[^/]+/, '/admin/$1/:id');
  const found = new Map<string, string>([[shape(`/admin/users/${target}`), `/admin/users/${target}`], [shape('/admin/applications/target-app'), '/admin/applications/target-app']]);
  const walk = [(await at('/admin/users').reach()).page];
  for (let depth = 0; depth < 2; depth++) {
    const next = [];
    for (const page of walk.splice(0)) {
      for (const href of pageLinks(page.html, page.url)) {
        const { pathname } = new URL(href);
        if (!pathname.startsWith('/admin/') || found.has(shape(pathname))) continue;
        found.set(shape(pathname), pathname);
        next.push(await admin!.follow(pathname));
      }
    }
    walk.push(...next);
  }
  const pages = [...found.values()];
  expect(pages.map(shape)).toEqual(expect.arrayContaining(['/admin/users', '/admin/fraud', '/admin/log', '/admin/applications', '/admin/policies', '/admin/tokens']));
  for (const [index, path] of pages.entries()) {
    try {
      await fuzzSurface(at(path), counts, index, dump, consoleRefusal);
    } catch (error) {
      counts.problems.push(`console ${path}: could not be reached or fuzzed: ${(error as Error).message}`);
    }
  }
  expect(counts.problems).toEqual([]);
  expect(counts.changes).toEqual([]);
  expect(serverErrors()).toEqual([]);
  expect(rejections).toEqual([]);
  report(`admin console: ${pages.length} pages (${pages.map(shape).join(', ')}), ${counts.forms.size} forms fuzzed with valid and forged CSRF tokens`);
});
