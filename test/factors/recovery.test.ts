import { normalizeRecoveryCode } from '../../src/factors/recovery/codes.js';
import { recoveryFactor, renewBelow } from '../../src/factors/recovery/index.js';
import type { Credential } from '../../src/store/types.js';
import { describeOnMongo, openMongoTestStore } from '../helpers/mongo.js';
import { openStandInMongoStore } from '../helpers/mongoStandIn.js';
import { describeFactorContract } from './contract.js';

/** The codes each provisioned set showed, as the person saved them. */
const saved = new Map<string, string[]>();

const kind = { enrolls: false, challenges: false, outOfBand: false };
const underTest: Parameters<typeof describeFactorContract>[2] = (store, clock) => {
  const factor = recoveryFactor({ credentials: store.credentials, issuerName: 'Twofold Test', now: clock.now }, 10);
  return {
    factor,
    async setUp(account) {
      const { view } = (await factor.standby!.provision(account))!;
      const [credential] = (await store.credentials.list(account.id)).filter((c) => c.method === 'recovery');
      saved.set(credential!.id, view.codes as string[]);
      return credential!;
    },
    proveSignIn: async (credential: Credential) => ({ code: saved.get(credential.id)![0]! }),
    wrongAnswer: { code: 'aaaa-bbbb-cccc-dddd' },
  };
};

describeFactorContract('recovery', kind, underTest);
describeOnMongo('recovery factor contract on mongodb', () => describeFactorContract('recovery on mongodb', kind, underTest, (now) => openMongoTestStore(now)));
describeFactorContract('recovery on the mongodb adapter (driver stand-in)', kind, underTest, (now) => openStandInMongoStore(now));

describe('recovery codes', () => {
  const setUp = async () => {
    const { openSqliteStore } = await import('../../src/store/sqlite/index.js');
    const { createSecretBox } = await import('../../src/crypto/secretBox.js');
    const { tempDir } = await import('../helpers/tempDir.js');
    const { randomBytes } = await import('node:crypto');
    const store = await openSqliteStore({ file: `${tempDir()}/db`, box: createSecretBox(randomBytes(32)) });
    const factor = recoveryFactor({ credentials: store.credentials, issuerName: 'Test', now: Date.now }, 10);
    return { store, factor };
  };
  const account = { id: 'a1', username: 'alice' };

  test('ten codes of 80 bits in groups of four, stored only as hashes, never the default', async () => {
    const { store, factor } = await setUp();
    const { view } = (await factor.standby!.provision(account))!;
    const codes = view.codes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
    const [set] = await store.credentials.list(account.id);
    expect(set).toMatchObject({ method: 'recovery', isDefault: false });
    expect(JSON.stringify(set)).not.toContain(codes[0]!.replace(/-/g, ''));
    expect(view.file).toContain(codes[9]);
    await store.close();
  });

  test('a code is typed in any case, with or without dashes, and confusable letters read as digits', () => {
    expect(normalizeRecoveryCode('ABCD-EFGH-JKMN-PQRS')).toBe('abcdefghjkmnpqrs');
    expect(normalizeRecoveryCode(' abcd efgh jkmn pqrs ')).toBe('abcdefghjkmnpqrs');
    expect(normalizeRecoveryCode('ILOO-0000-0000-0000')).toBe('1100000000000000');
    expect(normalizeRecoveryCode('abcd-efgh-jkmn-pqr')).toBeUndefined();
    expect(normalizeRecoveryCode('abcd-efgh-jkmn-pqru')).toBeUndefined();
  });

  test('says how many codes are left, and below three suggests a new set; a new set voids the old one', async () => {
    const { store, factor } = await setUp();
    const first = ((await factor.standby!.provision(account))!).view.codes as string[];
    const use = async (code: string) => factor.verify({ account, credentials: await store.credentials.list(account.id), form: { code } });
    expect(await use(first[0]!)).toMatchObject({ outcome: 'ok', notice: { text: 'You used a recovery code. You have 9 left.' } });
    for (const code of first.slice(1, 10 - renewBelow)) expect((await use(code)).outcome).toBe('ok');
    expect(await use(first[10 - renewBelow]!)).toMatchObject({ outcome: 'ok', notice: { suggestion: 'renew-recovery-codes' } });
    expect(factor.standby!.summary((await store.credentials.list(account.id))[0]!)).toBe(`${renewBelow - 1} of 10 codes left`);
    const second = ((await factor.standby!.provision(account))!).view.codes as string[];
    expect(await store.credentials.list(account.id)).toHaveLength(1);
    expect(await use(first[9]!)).toEqual({ outcome: 'failed', reason: 'wrong_code' });
    expect((await use(second[9]!)).outcome).toBe('ok');
    await store.close();
  });

  test('two different codes used at the same moment both count, each once', async () => {
    const { store, factor } = await setUp();
    const codes = ((await factor.standby!.provision(account))!).view.codes as string[];
    const credentials = await store.credentials.list(account.id);
    const results = await Promise.all(codes.slice(0, 4).map((code) => factor.verify({ account, credentials, form: { code } })));
    expect(results.map((result) => result.outcome)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(factor.standby!.summary((await store.credentials.list(account.id))[0]!)).toBe('6 of 10 codes left');
    await store.close();
  });
});

test('the set that comes with a first method never replaces one already there (racing setups keep the set someone saw)', async () => {
  const { openSqliteStore } = await import('../../src/store/sqlite/index.js');
  const { createSecretBox } = await import('../../src/crypto/secretBox.js');
  const { tempDir } = await import('../helpers/tempDir.js');
  const { randomBytes } = await import('node:crypto');
  const store = await openSqliteStore({ file: `${tempDir()}/db`, box: createSecretBox(randomBytes(32)) });
  const factor = recoveryFactor({ credentials: store.credentials, issuerName: 'Test', now: Date.now }, 10);
  const account = { id: 'a2', username: 'bea' };
  const racing = await Promise.all([1, 2, 3].map(() => factor.standby!.provision(account, { keepExisting: true })));
  const shown = racing.filter((result) => result !== undefined);
  expect(shown).toHaveLength(1);
  const code = (shown[0]!.view.codes as string[])[0]!;
  expect((await factor.verify({ account, credentials: await store.credentials.list(account.id), form: { code } })).outcome).toBe('ok');
  expect(await factor.standby!.provision(account, { keepExisting: true })).toBeUndefined();
  await store.close();
});
