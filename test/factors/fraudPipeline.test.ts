// The pipeline's fraud path, which every method that can say "this was not me" relies on (0# on
// a call now, the app's button later): a denial with `fraud: true` is reported once through
// src/fraud/, the block it brings refuses every later answer without asking the factor, and
// `off` records the report without blocking.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createAudit } from '../../src/audit/audit.js';
import { createSecretBox } from '../../src/crypto/secretBox.js';
import type { Factor, VerifyResult } from '../../src/factors/types.js';
import { createFraudReports, type FraudBlockRule } from '../../src/fraud/fraudReports.js';
import { silentLogger } from '../../src/log.js';
import { answer } from '../../src/mfa/verification.js';
import { createRegulator, defaultRegulationRules } from '../../src/regulation/regulator.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { MfaStore } from '../../src/store/types.js';
import { tempDir } from '../helpers/tempDir.js';

const at = 1_700_000_000_000;
const now = () => at;
let store: MfaStore;
beforeEach(async () => {
  store = await openSqliteStore({ file: join(tempDir(), 'db'), box: createSecretBox(randomBytes(32)), now });
});
afterEach(() => store.close());

const factor = { id: 'voice', waiting: 'out-of-band' } as Factor;
const context = { type: 'mfa.verify', accountId: 'account-1', username: 'alice', ip: '198.51.100.7', clientId: 'wiki', userAgent: 'Firefox' };

function pipeline(rule: FraudBlockRule) {
  const audit = createAudit(store.audit, silentLogger, now);
  return { regulator: createRegulator(store.attempts, defaultRegulationRules, now), audit, fraud: createFraudReports({ store: store.fraud, audit, rule, now }) };
}

test('a fraud denial is reported with who, where and which application, and blocks every later answer', async () => {
  const deps = pipeline('until-unblocked');
  expect(await answer(deps, factor, context, async () => ({ outcome: 'denied', fraud: true }))).toEqual({ outcome: 'denied', fraud: true });
  expect(await store.fraud.listReports({ limit: 10 })).toEqual([expect.objectContaining({ accountId: 'account-1', username: 'alice', ip: '198.51.100.7', clientId: 'wiki', method: 'voice' })]);
  let asked = false;
  const later = await answer(deps, { ...factor, waiting: 'code' }, context, async (): Promise<VerifyResult> => {
    asked = true;
    return { outcome: 'failed', reason: 'wrong_code' };
  });
  expect(later).toEqual({ outcome: 'blocked' });
  expect(asked).toBe(false);
  const events = await store.audit.tail({ limit: 10 });
  expect(events.map((event) => [event.type, event.reason])).toEqual([
    ['mfa.verify', 'denied and reported as fraud'],
    ['fraud.report', expect.stringMatching(/blocked until an administrator unblocks it/)],
    ['mfa.verify', 'second factor blocked after a fraud report'],
  ]);
  await deps.fraud.unblock({ accountId: 'account-1' }, 'cli:test');
  expect((await answer(deps, factor, context, async () => ({ outcome: 'pending' }))).outcome).toBe('pending');
});

test("a plain denial reports nothing, and with TWOFOLD_FRAUD_BLOCK=off a report blocks nothing", async () => {
  const strict = pipeline('until-unblocked');
  await answer(strict, factor, context, async () => ({ outcome: 'denied' }));
  expect(await store.fraud.listReports({ limit: 10 })).toEqual([]);
  const off = pipeline('off');
  await answer(off, factor, context, async () => ({ outcome: 'denied', fraud: true }));
  expect(await store.fraud.listReports({ limit: 10 })).toHaveLength(1);
  expect((await answer(off, factor, context, async () => ({ outcome: 'pending' }))).outcome).toBe('pending');
});
