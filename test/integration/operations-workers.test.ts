// Operations with TWOFOLD_WORKERS=2, as `npm start` runs it: /metrics counts what every worker
// served (on the operations address the primary holds, and on the public port with the token,
// whichever worker answers), and SIGTERM lets a request under way finish before the processes exit.
import { jest } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { metricValue } from '../helpers/metrics.js';
import { policies, tempDir } from '../helpers/server.js';
import { startWorkers } from '../helpers/workers.js';

jest.setTimeout(90_000);

const freePort = () => new Promise<number>((done) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => done(port));
  });
});

const token = 'a-metrics-token-of-at-least-32-characters';
let primary: ChildProcess;
let issuer: string;
let metricsPort: number;
let output: () => string;

beforeAll(async () => {
  const dataDir = tempDir();
  const policyDir = join(dataDir, 'policies');
  mkdirSync(policyDir, { recursive: true });
  writeFileSync(join(policyDir, 'policy.yaml'), policies.passwordOnly);
  metricsPort = await freePort();
  ({ primary, issuer, output } = await startWorkers({
    TWOFOLD_DATA_DIR: dataDir, TWOFOLD_POLICIES: policyDir, TWOFOLD_METRICS_LISTEN: `127.0.0.1:${metricsPort}`, TWOFOLD_METRICS_TOKEN: token, TWOFOLD_SHUTDOWN_GRACE: '10s',
  }));
});

afterAll(async () => {
  if (primary.exitCode === null) {
    primary.kill('SIGKILL');
    await new Promise((done) => primary.once('exit', done));
  }
});

test('metrics add up across both workers, on the operations address and on the public port with the token', async () => {
  const requests = 40;
  // A new connection each time: the primary hands connections to the workers in turn.
  for (let i = 0; i < requests; i++) {
    expect((await fetch(new URL('/healthz', issuer), { headers: { connection: 'close' } })).status).toBe(200);
  }
  const served = (text: string) => metricValue(text, 'twofold_http_request_duration_seconds_count', { route: '/healthz', method: 'GET' });
  const fromOps = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  expect(served(fromOps)).toBe(requests);
  expect(metricValue(fromOps, 'twofold_nodejs_heap_size_total_bytes')).toBeGreaterThan(0);
  // The primary serves no sign-ins: readiness is asked of the workers, on the public port.
  expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(200);
  expect((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status).toBe(404);
  expect((await fetch(new URL('/readyz', issuer), { headers: { connection: 'close' } })).status).toBe(200);

  const fromPublic = await fetch(new URL('/metrics', issuer), { headers: { authorization: `Bearer ${token}`, connection: 'close' } });
  expect(fromPublic.status).toBe(200);
  expect(served(await fromPublic.text())).toBe(requests);
  expect((await fetch(new URL('/metrics', issuer), { headers: { connection: 'close' } })).status).toBe(401);
});

test('SIGTERM: a request under way completes, then every process exits cleanly', async () => {
  // A sign-in page request held open by a slow body: the server is mid-request when SIGTERM arrives.
  const { request } = await import('node:http');
  const url = new URL('/interaction/some-uid/login', issuer);
  const response = new Promise<{ status: number; connection?: string }>((done, fail) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '17' } }, (res) => {
      res.resume();
      res.on('end', () => done({ status: res.statusCode!, connection: res.headers.connection }));
    });
    req.on('error', fail);
    req.write('username=al');
    // The rest of the body comes after the signal.
    setTimeout(() => {
      primary.kill('SIGTERM');
      setTimeout(() => req.end('ice&x='), 1500);
    }, 300);
  });
  const exit = new Promise<number | null>((done) => primary.once('exit', (code) => done(code)));
  const answered = await response;
  // Answered by the app (the form carries no CSRF token: refused), not cut off.
  expect(answered.status).toBe(403);
  expect(answered.connection).toBe('close');
  expect(await exit).toBe(0);
  expect(output()).toContain('SIGTERM: shutting down');
});
