// Text-message codes: the factor contract over the development phone, and what is particular
// to texts: the text names the organisation, 5 wrong tries per code, 5 minutes, single use.
import { createHmac } from 'node:crypto';
import { smsFactor } from '../../src/factors/sms/index.js';
import type { Credential, MfaStore } from '../../src/store/types.js';
import { devPhoneOver } from '../helpers/devPhone.js';
import { describeFactorContract, type FactorClock, openSqlite } from './contract.js';

const number = '+12125550142';

function makeSms(store: MfaStore, clock: FactorClock) {
  const phone = devPhoneOver(store, clock.now);
  const verified: string[] = [];
  const factor = smsFactor({
    credentials: store.credentials, challenges: store.challenges, phone: phone.service, issuerName: 'Acme', now: clock.now,
    phoneVerified: async (accountId, e164) => void verified.push(`${accountId} ${e164}`),
  });
  /** The code texted for this reference (of all texts to the number, the one it was made for). */
  const codeFor = async (ref: unknown) => {
    const { codeId, key } = ref as { codeId: string; key: string };
    const record = await store.challenges.get(`sms-code:${codeId}`);
    const codes = await phone.codesTo(number);
    return codes.find((code) => createHmac('sha256', Buffer.from(key, 'base64url')).update(code).digest('base64url') === record?.data.mac) ?? codes[0]!;
  };
  const enrollInput = { smsCountry: 'US', smsNumber: '(212) 555-0142' };
  return { phone, factor, verified, codeFor, enrollInput };
}

describeFactorContract('sms', { enrolls: true, challenges: true, outOfBand: false }, (store, clock) => {
  const { factor, codeFor, enrollInput } = makeSms(store, clock);
  return {
    factor,
    enrollInput,
    async setUp(account) {
      const start = await factor.enroll!.begin(account, enrollInput);
      if ('error' in start) throw new Error(start.error);
      const result = await factor.enroll!.finish(account, start.pending, { code: await codeFor(start.pending.code) }, async () => true);
      if (result.outcome !== 'ok') throw new Error(`setup failed: ${JSON.stringify(result)}`);
      return result.credential;
    },
    proveSetup: async (pending) => ({ code: await codeFor(pending.code) }),
    proveSignIn: async (_credential, state) => ({ code: await codeFor(state?.code) }),
    wrongAnswer: { code: '000000' },
  };
});

describe('sms factor', () => {
  let store: MfaStore;
  let time = 1_700_000_000_000;
  const clock: FactorClock = { now: () => time, advance: (ms) => { time += ms; } };
  const account = { id: 'account-1', username: 'alice' };
  let subject: ReturnType<typeof makeSms>;
  beforeEach(async () => {
    store = await openSqlite(clock.now);
    subject = makeSms(store, clock);
  });
  afterEach(() => store.close());

  const enrolled = async (): Promise<Credential> => {
    const start = await subject.factor.enroll!.begin(account, subject.enrollInput);
    if ('error' in start) throw new Error(start.error);
    const result = await subject.factor.enroll!.finish(account, start.pending, { code: await subject.codeFor(start.pending.code), label: 'Mine' }, async () => true);
    if (result.outcome !== 'ok') throw new Error('setup failed');
    return result.credential;
  };

  test('setup texts a code naming the organisation, keeps the number encrypted and masked, and marks it verified', async () => {
    const start = await subject.factor.enroll!.begin(account, subject.enrollInput);
    if ('error' in start) throw new Error(start.error);
    expect(start.view).toEqual({ sentTo: '+1 ••• ••• ••42', minutes: 5 });
    const [text] = await store.phone.listTexts(1);
    expect(text).toMatchObject({ to: number, body: expect.stringMatching(/^\d{6} is your Acme sign-in code\. Don't share it with anyone/) });
    const result = await subject.factor.enroll!.finish(account, start.pending, { code: await subject.codeFor(start.pending.code) }, async () => true);
    expect(result).toMatchObject({ outcome: 'ok', credential: { method: 'sms', secret: number, data: { kind: 'mobile', masked: '+1 ••• ••• ••42' } } });
    expect(subject.verified).toEqual([`account-1 ${number}`]);
    expect(subject.factor.describe((result as { credential: Credential }).credential)).toBe('Phone +1 ••• ••• ••42 (text message)');
  });

  test.each([
    [{ smsCountry: 'US', smsNumber: '' }, 'Enter a phone number.', 'smsNumber'],
    [{ smsCountry: 'US', smsNumber: '212 555' }, expect.stringMatching(/too short/), 'smsNumber'],
    [{ smsCountry: 'US', smsNumber: '212-555-CALL' }, expect.stringMatching(/remove 'CAL'/), 'smsNumber'],
    [{ smsCountry: 'US', smsNumber: '212 555 0142 ext 12' }, expect.stringMatching(/mobile number cannot have an extension/), 'smsNumber'],
    [{ smsCountry: 'ZZ', smsNumber: '212 555 0142' }, 'Choose a country or region from the list.', 'smsCountry'],
  ])('setup refuses %j with a message naming what is wrong (and the field), and sends nothing', async (input, error, field) => {
    expect(await subject.factor.enroll!.begin(account, input)).toEqual({ error, field });
    expect(await store.phone.listTexts(10)).toEqual([]);
  });

  test('a code takes 5 wrong tries; the sixth try is refused even with the right code', async () => {
    const credential = await enrolled();
    const { state } = await subject.factor.challenge!(account, credential);
    const right = await subject.codeFor(state.code);
    const wrong = right === '111111' ? '222222' : '111111';
    for (let i = 0; i < 5; i++) expect(await subject.factor.verify({ account, credentials: [credential], form: { code: wrong }, state })).toEqual({ outcome: 'failed', reason: 'wrong_code' });
    expect(await subject.factor.verify({ account, credentials: [credential], form: { code: right }, state })).toEqual({ outcome: 'failed', reason: 'too_many_tries' });
  });

  test('racing wrong guesses never count more than 5 tries against a code', async () => {
    const credential = await enrolled();
    const { state } = await subject.factor.challenge!(account, credential);
    const right = await subject.codeFor(state.code);
    const guesses = Array.from({ length: 20 }, (_, i) => String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0'));
    await Promise.all(guesses.map((code) => subject.factor.verify({ account, credentials: [credential], form: { code }, state })));
    const record = await store.challenges.get(`sms-code:${(state.code as { codeId: string }).codeId}`);
    expect(Number(record?.data.tries)).toBeLessThanOrEqual(5);
  });

  test('a code is good for 5 minutes, and once', async () => {
    const credential = await enrolled();
    const first = await subject.factor.challenge!(account, credential);
    expect(first.expiresIn).toBe(300);
    const code = { code: await subject.codeFor(first.state.code) };
    clock.advance(300_001);
    expect(await subject.factor.verify({ account, credentials: [credential], form: code, state: first.state })).toEqual({ outcome: 'expired' });
    const second = await subject.factor.challenge!(account, credential);
    const fresh = { code: await subject.codeFor(second.state.code) };
    expect(await subject.factor.verify({ account, credentials: [credential], form: fresh, state: second.state })).toMatchObject({ outcome: 'ok' });
    expect(await subject.factor.verify({ account, credentials: [credential], form: fresh, state: second.state })).toEqual({ outcome: 'failed', reason: 'replayed' });
  });
});
