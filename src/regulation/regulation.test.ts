import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/tempDir.js';
import { createSecretBox } from '../crypto/secretBox.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import { freshRegulationState, type RegulationState } from '../store/types.js';
import { afterSuccess, gate, startAttempt, triesLeft } from './decide.js';
import { networkOf } from './network.js';
import { createRegulator, defaultRegulationRules } from './regulator.js';

const rules = defaultRegulationRules.mfa;
const minute = 60_000;

/** Starts `count` failing attempts one after another, waiting out any lock. */
function failRepeatedly(count: number, start = 0) {
  let state: RegulationState = { ...freshRegulationState };
  let now = start;
  const locks: number[] = [];
  for (let i = 0; i < count; i++) {
    const g = gate(state, now);
    if (!g.allowed) {
      if (g.until === null) break;
      now = g.until;
    }
    const before = state.locks;
    state = startAttempt(state, now, rules);
    if (state.locks > before && state.lockedUntil !== null) locks.push((state.lockedUntil - now) / minute);
  }
  return { state, now, locks };
}

test('nine failures do not lock; the tenth locks for 15 minutes', () => {
  const nine = failRepeatedly(9);
  expect(nine.state).toMatchObject({ failures: 9, lockedUntil: null });
  const ten = failRepeatedly(10);
  expect(ten.state.lockedUntil).toBe(ten.now + 15 * minute);
  expect(gate(ten.state, ten.now + 15 * minute - 1)).toEqual({ allowed: false, until: ten.now + 15 * minute });
  expect(gate(ten.state, ten.now + 15 * minute)).toEqual({ allowed: true });
});

test('each later lock doubles, and the hundredth failure locks until an administrator unlocks', () => {
  const { state, locks } = failRepeatedly(100);
  expect(locks).toEqual([15, 30, 60, 120, 240, 480, 960, 1920, 3840]);
  expect(state).toMatchObject({ failures: 100, permanent: true, lockedUntil: null });
  expect(gate(state, Number.MAX_SAFE_INTEGER)).toEqual({ allowed: false, until: null });
});

test('a success clears the count, and a locked subject does not count more attempts', () => {
  const { state, now } = failRepeatedly(10);
  expect(startAttempt(state, now + 1, rules)).toBe(state);
  expect(afterSuccess()).toEqual(freshRegulationState);
});

test('tries left count down to the next lock, are 0 while locked, and start again after a lock ends', () => {
  expect(triesLeft(freshRegulationState, 0, rules)).toBe(10);
  expect(triesLeft(failRepeatedly(7).state, 0, rules)).toBe(3);
  const ten = failRepeatedly(10);
  expect(triesLeft(ten.state, ten.now, rules)).toBe(0);
  expect(triesLeft(ten.state, ten.now + 15 * minute, rules)).toBe(10);
  // Near the permanent lock, that is the nearer one.
  expect(triesLeft({ failures: 98, locks: 9, lockedUntil: null, permanent: false }, 0, rules)).toBe(2);
  expect(triesLeft(failRepeatedly(100).state, Number.MAX_SAFE_INTEGER, rules)).toBe(0);
});

test('doubling stops at the longest lock', () => {
  const capped = { ...rules, permanentAfter: null, maxLockSeconds: 3600 };
  let state = { ...freshRegulationState, failures: 69, locks: 6 };
  state = startAttempt(state, 0, capped);
  expect(state.lockedUntil).toBe(3600 * 1000);
});

test.each([
  ['198.51.100.7', '198.51.100.7'],
  ['::ffff:198.51.100.7', '198.51.100.7'],
  ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
  ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
  ['made-up', 'not-an-address'],
  ['also made up', 'not-an-address'],
])('attempts from %s count against %s', (ip, network) => {
  expect(networkOf(ip)).toBe(network);
});

describe('the regulator over the store', () => {
  let clock = 1_700_000_000_000;
  let store: Awaited<ReturnType<typeof openSqliteStore>>;
  let regulator: ReturnType<typeof createRegulator>;
  beforeAll(async () => {
    store = await openSqliteStore({ file: join(tempDir(), 'db'), box: createSecretBox(randomBytes(32)), now: () => clock });
    regulator = createRegulator(store.attempts, { ...defaultRegulationRules, networkFailures: 25 }, () => clock);
  });
  afterAll(() => store.close());

  test('parallel attempts cannot get past the threshold', async () => {
    const attempts = await Promise.all(Array.from({ length: 30 }, () => regulator.begin('mfa', 'racer', '192.0.2.1')));
    expect(attempts.filter((a) => !a.refusal)).toHaveLength(10);
    expect(attempts.find((a) => a.refusal)?.refusal).toEqual({ refused: 'locked', until: clock + 15 * minute });
  });

  test('a success resets the account, and an administrator can unlock', async () => {
    for (let i = 0; i < 9; i++) await (await regulator.begin('mfa', 'bob', '192.0.2.2')).failed();
    await (await regulator.begin('mfa', 'bob', '192.0.2.2')).succeeded();
    expect(await regulator.status('mfa', 'bob')).toEqual(freshRegulationState);
    for (let i = 0; i < 10; i++) await (await regulator.begin('mfa', 'bob', '192.0.2.2')).failed();
    expect((await regulator.begin('mfa', 'bob', '192.0.2.2')).refusal).toMatchObject({ refused: 'locked' });
    await regulator.unlock('mfa', 'bob');
    expect((await regulator.begin('mfa', 'bob', '192.0.2.2')).refusal).toBeUndefined();
  });

  test('a network with too many recent failures is refused for every account, until the window passes', async () => {
    for (let i = 0; i < 25; i++) await (await regulator.begin('mfa', `user-${i}`, '203.0.113.50')).failed();
    expect((await regulator.begin('mfa', 'someone-new', '203.0.113.50')).refusal).toEqual({ refused: 'network' });
    expect((await regulator.begin('mfa', 'someone-new', '203.0.113.51')).refusal).toBeUndefined();
    clock += 15 * minute + 1;
    expect((await regulator.begin('mfa', 'someone-new', '203.0.113.50')).refusal).toBeUndefined();
  });

  test('password and second-factor lockouts are counted apart', async () => {
    for (let i = 0; i < 10; i++) await (await regulator.begin('password', 'carol', '192.0.2.3')).failed();
    expect((await regulator.begin('password', 'carol', '192.0.2.3')).refusal).toMatchObject({ refused: 'locked' });
    expect((await regulator.begin('mfa', 'carol', '192.0.2.3')).refusal).toBeUndefined();
  });
});
