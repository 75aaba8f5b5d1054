// What an operator's tools see: /healthz and /readyz for the load balancer (cheap, no writes, a
// short reason when not ready), and /metrics for Prometheus, counting what people did through the
// real pages: sign-ins by client, passwords, second factors by method, lockouts, policy
// decisions, HTTP latency by route pattern and store latency by operation.
import { Agent, get } from 'node:http';
import { createAccount } from '../../src/accounts/createAccount.js';
import { metricsAccessOf } from '../../src/server.js';
import { appCode, enrollApp, enterCode } from '../helpers/mfa.js';
import { metricValue } from '../helpers/metrics.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policies, startTestServer, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let rp: RelyingParty;
beforeAll(async () => {
  server = await startTestServer({ lockoutThreshold: 3 }, { policy: policies.mfaWithRecovery });
  rp = await createRelyingParty(server);
});
afterAll(() => server.stop());

const metrics = async () => (await fetch(new URL('/metrics', server.issuer))).text();

describe('health and readiness', () => {
  test('/healthz and /readyz answer 200 with JSON, set no cookie, write no audit row and are never cached', async () => {
    const before = await server.store.audit.tail({ limit: 1000 });
    for (let i = 0; i < 20; i++) {
      for (const [path, status] of [['/healthz', 'ok'], ['/readyz', 'ready']] as const) {
        const response = await fetch(new URL(path, server.issuer));
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ status });
        expect(response.headers.get('set-cookie')).toBeNull();
        expect(response.headers.get('cache-control')).toBe('no-store');
      }
    }
    expect(await server.store.audit.tail({ limit: 1000 })).toEqual(before);
  });

  test('/readyz answers 503 with a short reason when the store cannot be reached; /healthz still says the process is up', async () => {
    const other = await startTestServer();
    try {
      await other.store.close();
      const ready = await fetch(new URL('/readyz', other.issuer));
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable', reason: 'store unreachable' });
      expect((await fetch(new URL('/healthz', other.issuer))).status).toBe(200);
    } finally {
      await other.stop();
    }
  });
});

describe('connections', () => {
  /** The Keep-Alive header of a plain HTTP/1.1 answer: how long the server keeps the connection idle. */
  const keepAliveOf = (issuer: string) => new Promise<string | undefined>((resolve, reject) => {
    get(new URL('/healthz', issuer), { agent: new Agent({ keepAlive: true }) }, (response) => {
      response.resume();
      resolve(response.headers['keep-alive'] as string | undefined);
    }).on('error', reject);
  });

  test('an idle connection stays open 65 s, longer than a balancer\'s usual 60 s, and as long as TWOFOLD_KEEP_ALIVE says', async () => {
    expect(await keepAliveOf(server.issuer)).toBe('timeout=65');
    const behindGoogle = await startTestServer({ keepAlive: 620 });
    try {
      expect(await keepAliveOf(behindGoogle.issuer)).toBe('timeout=620');
    } finally {
      await behindGoogle.stop();
    }
  });
});

describe('metrics', () => {
  test('a password sign-in is counted by client and result, with its policy decision, routes as patterns and store operations timed', async () => {
    await createAccount(server.store.accounts, { username: 'counted', password });
    server.setPolicy(policies.passwordOnly);
    try {
      const agent = new UserAgent(server.issuer);
      const { page, checks } = await signInWithPassword(agent, rp, 'counted', password);
      await rp.finish(page.location!, checks);
      const wrong = await signInWithPassword(new UserAgent(server.issuer), rp, 'counted', 'not the password');
      expect(wrong.page.status).toBe(401);
    } finally {
      server.setPolicy(policies.mfaWithRecovery);
    }
    const response = await fetch(new URL('/metrics', server.issuer));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(metricValue(text, 'twofold_sign_ins_total', { result: 'ok', client: 'test-app' })).toBe(1);
    expect(metricValue(text, 'twofold_first_factor_attempts_total', { method: 'password', result: 'ok' })).toBe(1);
    expect(metricValue(text, 'twofold_first_factor_attempts_total', { method: 'password', result: 'failed' })).toBe(1);
    expect(metricValue(text, 'twofold_policy_decisions_total', { rule: 'defaults', require: 'none' })).toBe(1);
    expect(metricValue(text, 'twofold_http_request_duration_seconds_count', { route: '/interaction/:uid/login', method: 'POST' })).toBe(2);
    expect(metricValue(text, 'twofold_http_request_duration_seconds_count', { route: '/auth', method: 'GET' })).toBe(2);
    expect(metricValue(text, 'twofold_http_request_duration_seconds_count', { route: '/token', method: 'POST', status: '2xx' })).toBe(1);
    expect(metricValue(text, 'twofold_store_operation_duration_seconds_count', { operation: 'accounts.findByUsername', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(metricValue(text, 'twofold_store_operation_duration_seconds_count', { operation: 'oidc.Session.upsert' })).toBeGreaterThanOrEqual(1);
    expect(text).toContain('twofold_process_cpu_seconds_total');
    // Never a raw path: no interaction id, no query string.
    expect(text).not.toMatch(/route="\/interaction\/(?!:uid)/);
    expect(text).not.toMatch(/route="[^"]*\?/);
  });

  test('second-factor answers are counted by method, step and result; lockouts when the account is locked', async () => {
    await createAccount(server.store.accounts, { username: 'factor-counted', password });
    const agent = new UserAgent(server.issuer);
    const { page: intro } = await signInWithPassword(agent, rp, 'factor-counted', password);
    const { secret } = await enrollApp(agent, intro, server, rp.redirectUri);
    const before = await metrics();

    const next = new UserAgent(server.issuer);
    const { page } = await signInWithPassword(next, rp, 'factor-counted', password);
    for (let i = 0; i < 3; i++) expect((await enterCode(next, page, '000000', rp.redirectUri)).status).toBe(401);
    // Locked now: even the right code is refused.
    expect((await enterCode(next, page, await appCode(server, secret), rp.redirectUri)).status).not.toBe(303);
    const after = await metrics();
    const delta = (name: string, labels: Record<string, string>) => metricValue(after, name, labels) - metricValue(before, name, labels);
    expect(metricValue(before, 'twofold_second_factor_attempts_total', { method: 'totp', step: 'enroll', result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(delta('twofold_second_factor_attempts_total', { method: 'totp', step: 'verify', result: 'failed' })).toBe(3);
    expect(delta('twofold_second_factor_attempts_total', { method: 'totp', step: 'verify', result: 'locked' })).toBe(1);
    expect(delta('twofold_lockout_refusals_total', { factor: 'second_factor' })).toBeGreaterThanOrEqual(1);
  });

  test('with TWOFOLD_METRICS_TOKEN, /metrics needs it as a bearer token', async () => {
    const token = 'a-metrics-token-of-at-least-32-characters';
    const guarded = await startTestServer({ metricsToken: token });
    try {
      const url = new URL('/metrics', guarded.issuer);
      const without = await fetch(url);
      expect(without.status).toBe(401);
      expect(without.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await without.text()).not.toContain('twofold_');
      expect((await fetch(url, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
      const allowed = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('twofold_http_request_duration_seconds');
    } finally {
      await guarded.stop();
    }
  });

  test('with TWOFOLD_METRICS_LISTEN, metrics are on that address only; the public port answers 404', async () => {
    const separate = await startTestServer({ metricsListen: '127.0.0.1:0' });
    try {
      expect((await fetch(new URL('/metrics', separate.issuer))).status).toBe(404);
      const { port } = separate.opsServer!.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('twofold_http_request_duration_seconds');
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/auth`)).status).toBe(404);
    } finally {
      await separate.stop();
    }
  });

  test('production serves no metrics unless a token or an address is configured; development serves them', () => {
    const base = { nodeEnv: 'production', metricsToken: undefined, metricsListen: undefined } as const;
    expect(metricsAccessOf({ ...base } as never)).toEqual({ off: true });
    expect(metricsAccessOf({ ...base, metricsToken: 't'.repeat(32) } as never)).toEqual({ token: 't'.repeat(32) });
    expect(metricsAccessOf({ ...base, nodeEnv: 'development' } as never)).toEqual({ open: true });
  });
});

describe('shutdown', () => {
  test('while draining, /readyz says shutting down and requests are still served; then the port closes', async () => {
    const draining = await startTestServer();
    const url = (path: string) => new URL(path, draining.issuer);
    const closed = draining.close({ drainSeconds: 1, graceSeconds: 5 });
    try {
      const ready = await fetch(url('/readyz'));
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable', reason: 'shutting down' });
      expect((await fetch(url('/healthz'))).status).toBe(200);
      expect((await fetch(url('/.well-known/openid-configuration'))).status).toBe(200);
    } finally {
      await closed;
      await new Promise((resolve) => setTimeout(resolve, 50));
      await draining.stop();
    }
    await expect(fetch(url('/healthz'))).rejects.toThrow();
  });
});
