// Hardware OATH tokens: the factor contract for a time-based and an event-based token, the RFC
// vectors through the token code paths, drift remembered, look-ahead and resynchronisation.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecretBox } from '../../src/crypto/secretBox.js';
import { oathFactor, tokensPerPerson } from '../../src/factors/oath/index.js';
import { seedBytes } from '../../src/factors/oath/seed.js';
import { findHotp, matchTokenTotp, tokenParams } from '../../src/factors/oath/tokenCodes.js';
import { hotpCode, type OtpAlgorithm, totpCode } from '../../src/factors/otpCodes.js';
import type { Factor } from '../../src/factors/types.js';
import { packageRoot } from '../../src/paths.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Credential, MfaStore } from '../../src/store/types.js';
import { tempDir } from '../helpers/tempDir.js';
import { describeFactorContract } from './contract.js';

const rfcSeed = Buffer.from('12345678901234567890').toString('hex');
const totpData = { kind: 'totp', digits: 6, period: 30, algorithm: 'sha1', model: 'OTP c200', manufacturer: 'Token2' };
const hotpData = { kind: 'hotp', digits: 6, period: 30, algorithm: 'sha1', model: 'OTP c100', manufacturer: 'Token2' };

const totpAt = (seed: string, ms: number, steps = 0) => totpCode(seedBytes(seed), Math.floor(ms / 1000) + steps * 30);
const hotpAt = (seed: string, counter: number) => hotpCode(seedBytes(seed), counter);

for (const [kind, data] of [['totp', totpData], ['hotp', hotpData]] as const) {
  let serials = 0;
  describeFactorContract(`oath (${kind} token)`, { enrolls: true, challenges: false, outOfBand: false }, (store, clock) => {
    const factor = oathFactor({ credentials: store.credentials, tokens: store.tokens, issuerName: 'Twofold Test', now: clock.now });
    const issue = async (accountId: string) => {
      const serial = `SN${kind.toUpperCase()}${++serials}`;
      await store.tokens.add([{ method: 'oath', serial, secret: rfcSeed, data, counter: null, accountId }]);
      return { serial };
    };
    const code = async (lastUsed: number | null) => (kind === 'totp' ? totpAt(rfcSeed, clock.now()) : hotpAt(rfcSeed, (lastUsed ?? -1) + 1));
    return {
      factor,
      enrollInput: (account) => issue(account.id),
      async setUp(account) {
        const start = await factor.enroll!.begin(account, await issue(account.id));
        if ('error' in start) throw new Error(start.error);
        const result = await factor.enroll!.finish(account, start.pending, { code: await code(null) }, async () => true);
        if (result.outcome !== 'ok') throw new Error(`setup failed: ${JSON.stringify(result)}`);
        return result.credential;
      },
      proveSetup: async () => ({ code: await code(null) }),
      proveSignIn: async (credential) => ({ code: await code(credential.counter) }),
      wrongAnswer: { code: '000000' },
    };
  });
}

const vectors = (file: string) => readFileSync(join(process.env.TWOFOLD_VECTORS ?? join(packageRoot, 'test', 'vectors'), file), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
const hex = (ascii: string) => Buffer.from(ascii).toString('hex');

describe('RFC vectors through the token code paths', () => {
  test.each(vectors('rfc4226-hotp.csv'))('HOTP secret %s, counter %s, %s digits: %s', async (secret, counter, digits, algorithm, code) => {
    const params = tokenParams({ kind: 'hotp', digits: Number(digits), algorithm: algorithm!.toLowerCase() });
    expect(await findHotp(hex(secret!), code!, 0, 10, params)).toBe(Number(counter));
  });
  test.each(vectors('rfc6238-totp.csv'))('TOTP secret %s at %s, period %s, %s digits, %s: %s', async (secret, time, period, digits, algorithm, code) => {
    const params = tokenParams({ kind: 'totp', digits: Number(digits), period: Number(period), algorithm: algorithm!.toLowerCase() as OtpAlgorithm });
    expect(await matchTokenTotp(hex(secret!), code!, Number(time), params, 0)).toEqual({ step: Math.floor(Number(time) / Number(period)), drift: 0 });
  });
});

describe('oath tokens over time', () => {
  const account = { id: 'account-1', username: 'alice' };
  let time: number;
  let store: MfaStore;
  let factor: Factor;
  beforeEach(async () => {
    time = 1_700_000_000_000;
    store = await openSqliteStore({ file: join(tempDir(), 'db'), box: createSecretBox(randomBytes(32)), now: () => time });
    factor = oathFactor({ credentials: store.credentials, tokens: store.tokens, issuerName: 'Twofold Test', now: () => time });
  });
  afterEach(() => store.close());

  async function activate(serial: string, data: Record<string, unknown>, code: string, counter: number | null = null): Promise<Credential> {
    await store.tokens.add([{ method: 'oath', serial, secret: rfcSeed, data, counter, accountId: account.id }]);
    const start = await factor.enroll!.begin(account, { serial: ` ${serial.toLowerCase()} ` });
    if ('error' in start) throw new Error(start.error);
    const result = await factor.enroll!.finish(account, start.pending, { code }, async () => true);
    if (result.outcome !== 'ok') throw new Error(JSON.stringify(result));
    return result.credential;
  }
  const signIn = async (code: string) => factor.verify({ account, credentials: await store.credentials.list(account.id), form: { code } });

  test('activation moves the token from the inventory into the credentials, serial as external id', async () => {
    const credential = await activate('SN1', totpData, await totpAt(rfcSeed, time));
    expect(await store.tokens.get('oath', 'SN1')).toBeUndefined();
    expect(credential).toMatchObject({ method: 'oath', externalId: 'SN1', secret: rfcSeed, data: { ...totpData, drift: 0 } });
    expect(factor.describe(credential)).toBe('Hardware token (OTP c200, serial SN1)');
  });

  test('a TOTP token whose clock drifts is followed: the drift seen at each sign-in is remembered', async () => {
    await activate('SN1', totpData, await totpAt(rfcSeed, time));
    // Two steps fast without a remembered drift: outside the one-step window.
    time += 60_000;
    expect(await signIn(await totpAt(rfcSeed, time, 2))).toEqual({ outcome: 'failed', reason: 'wrong_code' });
    // One step fast: accepted, and remembered.
    expect(await signIn(await totpAt(rfcSeed, time, 1))).toMatchObject({ outcome: 'ok' });
    expect((await store.credentials.list(account.id))[0]!.data.drift).toBe(1);
    // The clock keeps drifting: two steps fast now works, one step beyond the remembered drift.
    time += 600_000;
    expect(await signIn(await totpAt(rfcSeed, time, 2))).toMatchObject({ outcome: 'ok' });
    expect((await store.credentials.list(account.id))[0]!.data.drift).toBe(2);
  });

  test('an HOTP token accepts the next 10 codes; further ahead, two consecutive codes resynchronise it', async () => {
    await activate('SN2', hotpData, await hotpAt(rfcSeed, 5), 4);
    expect((await store.credentials.list(account.id))[0]!.counter).toBe(5);
    // The person pressed the button 9 times without signing in: the 10th code ahead still works.
    expect(await signIn(await hotpAt(rfcSeed, 15))).toMatchObject({ outcome: 'ok' });
    // Then 30 presses: a code beyond the look-ahead is refused on its own...
    expect(await signIn(await hotpAt(rfcSeed, 46))).toEqual({ outcome: 'failed', reason: 'wrong_code' });
    // ...a code that does not follow it does not resynchronise...
    expect(await signIn(await hotpAt(rfcSeed, 48))).toEqual({ outcome: 'failed', reason: 'wrong_code' });
    // ...the next consecutive one after a fresh first code does.
    expect(await signIn(await hotpAt(rfcSeed, 60))).toEqual({ outcome: 'failed', reason: 'wrong_code' });
    expect(await signIn(await hotpAt(rfcSeed, 61))).toMatchObject({ outcome: 'ok' });
    expect((await store.credentials.list(account.id))[0]).toMatchObject({ counter: 61, data: hotpData });
    // Back in step: the following code works as usual, an earlier one never again.
    expect(await signIn(await hotpAt(rfcSeed, 62))).toMatchObject({ outcome: 'ok' });
    expect(await signIn(await hotpAt(rfcSeed, 61))).toEqual({ outcome: 'failed', reason: 'wrong_code' });
  });

  test('an HOTP resynchronisation waits five minutes for its second code, and never reaches past 100 codes', async () => {
    await activate('SN3', hotpData, await hotpAt(rfcSeed, 0));
    expect(await signIn(await hotpAt(rfcSeed, 30))).toEqual({ outcome: 'failed', reason: 'wrong_code' });
    time += 301_000;
    expect(await signIn(await hotpAt(rfcSeed, 31))).toEqual({ outcome: 'failed', reason: 'wrong_code' });
    expect(await signIn(await hotpAt(rfcSeed, 102))).toEqual({ outcome: 'failed', reason: 'wrong_code' });
    expect(await signIn(await hotpAt(rfcSeed, 103))).toEqual({ outcome: 'failed', reason: 'wrong_code' });
    expect((await store.credentials.list(account.id))[0]!.counter).toBe(0);
  });

  test('activation needs the serial of a token assigned to this person, and at most five tokens', async () => {
    expect(await factor.enroll!.begin(account, {})).toEqual({ error: 'Type the serial number printed on the back of your token.' });
    await store.tokens.add([
      { method: 'oath', serial: 'STOCK', secret: rfcSeed, data: totpData, counter: null, accountId: null },
      { method: 'oath', serial: 'BOBS', secret: rfcSeed, data: totpData, counter: null, accountId: 'bob' },
    ]);
    for (const serial of ['STOCK', 'BOBS', 'NOSUCH']) {
      expect(await factor.enroll!.begin(account, { serial })).toEqual({ error: expect.stringMatching(new RegExp(`^No token with serial number ${serial} is waiting for you`)) });
    }
    for (let i = 0; i < tokensPerPerson; i++) await activate(`T${i}`, hotpData, await hotpAt(rfcSeed, 0));
    await store.tokens.add([{ method: 'oath', serial: 'T9', secret: rfcSeed, data: totpData, counter: null, accountId: account.id }]);
    expect(await factor.enroll!.begin(account, { serial: 'T9' })).toEqual({ error: 'You already have 5 hardware tokens, the most one person may have. Remove one first.' });
  });

  test('an 8-digit token takes 8-digit codes only', async () => {
    const data = { ...totpData, digits: 8 };
    const eight = () => totpCode(seedBytes(rfcSeed), Math.floor(time / 1000), { digits: 8 });
    await store.tokens.add([{ method: 'oath', serial: 'SN8', secret: rfcSeed, data, counter: null, accountId: account.id }]);
    const start = await factor.enroll!.begin(account, { serial: 'SN8' });
    if ('error' in start) throw new Error(start.error);
    expect(await factor.enroll!.finish(account, start.pending, { code: (await eight()).slice(2) }, async () => true)).toEqual({ outcome: 'failed', reason: 'malformed' });
    expect(await factor.enroll!.finish(account, start.pending, { code: await eight() }, async () => true)).toMatchObject({ outcome: 'ok' });
    time += 30_000;
    expect(await signIn(await eight())).toMatchObject({ outcome: 'ok' });
  });
});
