// A username typed at the sign-in form cannot forge audit lines: `twofold audit tail` and the
// server log show it escaped, on its own line, and the store keeps it exactly as typed.
import { createAccount } from '../../src/accounts/createAccount.js';
import { twofold } from '../helpers/cli.js';
import { createRelyingParty, signInWithPassword } from '../helpers/rp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

// A newline, a made-up line, then terminal escapes: erase the line (ESC [2K), the 8-bit CSI,
// a Unicode line separator, and a right-to-left override.
const forged = 'nobody\n2026-11-22T09:31:00.000Z password ok user=admin\u001b[2K\u009b1A\u2028x\u202eok';
const controls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

test('audit tail prints a forged username escaped and quoted, one line per event; the store keeps it exact', async () => {
  await createAccount(server.store.accounts, { username: 'admin', password: 'correct horse battery staple' });
  const rp = await createRelyingParty(server);
  const page = (await signInWithPassword(new UserAgent(server.issuer), rp, forged, 'wrong password')).page;
  expect(page.html).toContain('Your username or password is incorrect.');

  const stored = await server.store.audit.tail({ limit: 1 });
  expect(stored[0]).toMatchObject({ type: 'password', result: 'fail', username: forged });

  const tail = await twofold(server.dataDir, ['audit', 'tail', '--lines', '5']);
  expect(tail.code).toBe(0);
  expect(tail.out).toHaveLength(1);
  const [line] = tail.out;
  expect(line).not.toMatch(controls);
  expect(line).toMatch(/^\S+ password fail user="nobody\\n2026-11-22T09:31:00.000Z password ok user=admin\\x1b\[2K\\x9b1A\\u2028x\\u202eok" client=test-app ip=/);
});

test('the server log writes the same attempt on one line, without raw control characters', async () => {
  const lines = server.logs.filter((line) => line.includes('audit password fail'));
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(controls);
  }
  const fields = JSON.parse(lines.at(-1)!.slice(lines.at(-1)!.indexOf('{')));
  expect(fields.username).toBe(forged);
});

test('CLI tables keep each row on one line, whatever a name holds', async () => {
  await createAccount(server.store.accounts, { username: 'table-row', password: 'correct horse battery staple', displayName: 'Eve\n2026 admin  Admin  active\u001b[8m' });
  const list = await twofold(server.dataDir, ['user', 'list']);
  const row = list.out.find((line) => line.startsWith('table-row'))!;
  expect(row).toContain('Eve\\n2026 admin  Admin  active\\x1b[8m');
  expect(list.out.every((line) => !controls.test(line))).toBe(true);
});
