// `twofold audit tail` for an administrator following sign-ins: the whole user agent, events
// since a time or a date, JSON lines for tools, and --follow printing events as they come.
import { rmSync } from 'node:fs';
import { runCli } from '../../src/cli/run.js';
import { followEvery } from '../../src/cli/auditCommand.js';
import { twofold } from '../helpers/cli.js';
import { tempDir } from '../helpers/server.js';
import { withStore } from '../helpers/storeAccess.js';

let dataDir: string;
beforeEach(() => {
  dataDir = tempDir();
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const agent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const minutesAgo = (minutes: number) => Date.now() - minutes * 60_000;

async function seed() {
  await withStore(dataDir, async (store) => {
    await store.audit.append({ at: Date.UTC(2026, 0, 5, 8), type: 'password', result: 'ok', username: 'carol' });
    await store.audit.append({ at: minutesAgo(90), type: 'password', result: 'fail', username: 'alice', ip: '198.51.100.7', userAgent: agent, reason: 'wrong_password' });
    await store.audit.append({ at: minutesAgo(5), type: 'mfa.verify', result: 'ok', username: 'alice', clientId: 'wiki', method: 'totp', userAgent: agent });
  });
}

test('the user agent is printed whole, quoted', async () => {
  await seed();
  const { out } = await twofold(dataDir, ['audit', 'tail']);
  expect(out[1]).toContain(`agent="${agent}"`);
});

test('--since takes a duration or a date, and a bad one is refused with the forms it accepts', async () => {
  await seed();
  expect((await twofold(dataDir, ['audit', 'tail', '--since', '1h'])).out).toEqual([expect.stringMatching(/ mfa\.verify ok user=alice client=wiki method=totp /)]);
  expect((await twofold(dataDir, ['audit', 'tail', '--since', '2h'])).out).toHaveLength(2);
  expect((await twofold(dataDir, ['audit', 'tail', '--since', '2026-01-01'])).out).toHaveLength(3);
  expect((await twofold(dataDir, ['audit', 'tail', '--since', '2026-01-05T09:00:00Z', '--lines', '1'])).out).toEqual([expect.stringMatching(/ mfa\.verify ok /)]);
  expect((await twofold(dataDir, ['audit', 'tail', '--since', '1m'])).out).toEqual(['no events']);
  expect(await twofold(dataDir, ['audit', 'tail', '--since', 'yesterday'])).toMatchObject({
    code: 2,
    err: expect.arrayContaining(["error: audit tail: --since must be a duration such as 15m, 12h or 7d, or a date such as 2026-11-22 or 2026-11-22T10:00:00Z, but is 'yesterday'"]),
  });
});

test('--json prints one JSON object per event, with the time as ISO 8601 and empty fields left out', async () => {
  await seed();
  const { out } = await twofold(dataDir, ['audit', 'tail', '--json', '--since', '2h']);
  expect(out.map((line) => JSON.parse(line))).toEqual([
    { at: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/), type: 'password', result: 'fail', username: 'alice', ip: '198.51.100.7', userAgent: agent, reason: 'wrong_password' },
    { at: expect.any(String), type: 'mfa.verify', result: 'ok', username: 'alice', clientId: 'wiki', method: 'totp', userAgent: agent },
  ]);
  expect((await twofold(dataDir, ['audit', 'tail', '--json', '--since', '1m'])).out).toEqual([]);
});

test('--follow prints the tail, then each new event once, until stopped', async () => {
  await seed();
  const out: string[] = [];
  const stop = new AbortController();
  const running = runCli(['audit', 'tail', '--lines', '1', '--follow'], {
    out: (line) => out.push(line), err: (line) => out.push(`err: ${line}`), readStdin: async () => '', signal: stop.signal,
    env: { NODE_ENV: 'test', TWOFOLD_DATA_DIR: dataDir },
  });
  const waitFor = async (count: number) => {
    for (let waited = 0; out.length < count && waited < 10 * followEvery; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  };
  await waitFor(1);
  expect(out).toEqual([expect.stringMatching(/ mfa\.verify ok user=alice /)]);
  await withStore(dataDir, async (store) => {
    await store.audit.append({ at: Date.now(), type: 'password', result: 'ok', username: 'dave' });
    await store.audit.append({ at: Date.now(), type: 'mfa.verify', result: 'fail', username: 'dave', reason: 'wrong_code' });
  });
  await waitFor(3);
  await new Promise((resolve) => setTimeout(resolve, followEvery * 1.5));
  stop.abort();
  expect(await running).toBe(0);
  expect(out).toEqual([
    expect.stringMatching(/ mfa\.verify ok user=alice /),
    expect.stringMatching(/ password ok user=dave$/),
    expect.stringMatching(/ mfa\.verify fail user=dave reason="wrong_code"$/),
  ]);
});
