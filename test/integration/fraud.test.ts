// Fraud reports: recorded with time, account, address, application and method; the second
// factor blocked as configured; listed by `twofold fraud list` and lifted by
// `twofold user unblock`, both audited with who acted.
import { rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createAudit } from '../../src/audit/audit.js';
import { createFraudReports, type FraudBlockRule } from '../../src/fraud/fraudReports.js';
import { silentLogger } from '../../src/log.js';
import { openRuntime } from '../../src/runtime.js';
import { twofold } from '../helpers/cli.js';
import { tempDir } from '../helpers/server.js';

let dataDir: string;
beforeEach(() => {
  dataDir = tempDir();
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** Opens the data folder as the server would and reports fraud under a rule, at a time. */
async function report(username: string, rule: FraudBlockRule, at: number, method = 'voice') {
  const { store } = await openRuntime({ env: { NODE_ENV: 'test', TWOFOLD_DATA_DIR: dataDir }, log: silentLogger });
  try {
    const account = (await store.accounts.findByUsername(username))!;
    const reports = createFraudReports({ store: store.fraud, audit: createAudit(store.audit, silentLogger, () => at), rule, now: () => at });
    return await reports.report({ accountId: account.id, username, clientId: 'wiki', ip: '198.51.100.7', userAgent: 'Firefox', method });
  } finally {
    await store.close();
  }
}

async function blockOf(username: string, at: number) {
  const { store } = await openRuntime({ env: { NODE_ENV: 'test', TWOFOLD_DATA_DIR: dataDir }, log: silentLogger });
  try {
    return await store.fraud.blockOf((await store.accounts.findByUsername(username))!.id, at);
  } finally {
    await store.close();
  }
}

const addUser = (username: string) => twofold(dataDir, ['user', 'add', username, '--password-stdin'], 'correct horse battery');

test('a report blocks the second factor until an administrator unblocks it, and both are audited', async () => {
  await addUser('alice');
  const at = Date.UTC(2025, 0, 2, 3, 4, 5);
  const { block } = await report('alice', 'until-unblocked', at);
  expect(block).toMatchObject({ since: at, until: null });
  expect(await blockOf('alice', at + 365 * 86400_000)).toBeDefined();

  const listed = await twofold(dataDir, ['fraud', 'list']);
  expect(listed).toMatchObject({ code: 0, err: [] });
  expect(listed.out).toEqual([
    'TIME                      USER   APPLICATION  ADDRESS       METHOD  BLOCKED',
    '2025-01-02T03:04:05.000Z  alice  wiki         198.51.100.7  voice   until unblocked',
  ]);
  const audit = await twofold(dataDir, ['audit', 'tail', '--user', 'alice']);
  expect(audit.out.at(-1)).toBe('2025-01-02T03:04:05.000Z fraud.report fail user=alice client=wiki method=voice ip=198.51.100.7 reason="the person reported this sign-in as not theirs; second factor blocked until an administrator unblocks it" agent="Firefox"');

  expect(await twofold(dataDir, ['user', 'unblock', 'ALICE'])).toMatchObject({ code: 0, out: ["unblocked 'alice': their second factor works again"] });
  expect(await blockOf('alice', Date.now())).toBeUndefined();
  expect(await twofold(dataDir, ['user', 'unblock', 'alice'])).toMatchObject({ code: 0, out: ["'alice' was not blocked"] });
  const { store } = await openRuntime({ env: { NODE_ENV: 'test', TWOFOLD_DATA_DIR: dataDir }, log: silentLogger });
  const [last] = await store.audit.tail({ limit: 1 });
  await store.close();
  expect(last).toMatchObject({ type: 'fraud.unblock', result: 'ok', username: 'alice', actor: `cli:${userInfo().username}` });
  expect((await twofold(dataDir, ['fraud', 'list'])).out[1]).toMatch(/ voice +no$/);
});

test('a report can block for a period, or only be recorded', async () => {
  await addUser('bob');
  await addUser('carol');
  const at = Date.now();
  expect((await report('bob', 3600, at)).block).toMatchObject({ until: at + 3600_000 });
  expect(await blockOf('bob', at + 3599_000)).toBeDefined();
  expect(await blockOf('bob', at + 3600_000)).toBeUndefined();
  expect((await report('carol', 'off', at, 'push')).block).toBeUndefined();
  expect(await blockOf('carol', at)).toBeUndefined();
  const listed = await twofold(dataDir, ['fraud', 'list', '--user', 'carol']);
  expect(listed.out).toHaveLength(2);
  expect(listed.out[1]).toMatch(/carol +wiki +198\.51\.100\.7 +push +no$/);
  expect((await twofold(dataDir, ['audit', 'tail', '--user', 'carol'])).out.at(-1)).toContain('report only (TWOFOLD_FRAUD_BLOCK=off)');
});

test('the commands say what is wrong and change nothing', async () => {
  expect(await twofold(dataDir, ['fraud', 'list'])).toMatchObject({ code: 0, out: ['no fraud reports'] });
  expect(await twofold(dataDir, ['user', 'unblock', 'nobody'])).toMatchObject({ code: 1, err: ["error: user unblock: there is no user 'nobody'"] });
  expect(await twofold(dataDir, ['fraud', 'list', '--user', 'nobody'])).toMatchObject({ code: 1, err: ["error: fraud list: there is no user 'nobody'"] });
  expect((await twofold(dataDir, ['fraud', 'list', '--lines', 'many'])).err[0]).toBe("error: fraud list: --lines must be a whole number from 1 to 10000 but is 'many'");
  expect((await twofold(dataDir, ['user', 'unblock'])).err[0]).toBe('error: user unblock: expects <username>, got none');
  expect(await twofold(dataDir, ['fraud', 'clear'])).toMatchObject({ code: 2, err: expect.arrayContaining(["error: fraud: unknown command 'clear'", '  twofold fraud list [--user <username>] [--lines <n>]']) });
});
