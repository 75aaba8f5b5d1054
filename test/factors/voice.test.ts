// Calls: the factor contract over the development phone (the "device" is the keypad of a
// ringing call), and what is particular to calls: # or a PIN then #, 0# reports fraud, an
// office phone's extension, a call that rings out.
import { voiceFactor } from '../../src/factors/voice/index.js';
import type { Credential, MfaStore } from '../../src/store/types.js';
import { devPhoneOver } from '../helpers/devPhone.js';
import { describeFactorContract, type FactorClock, openSqlite } from './contract.js';

const number = '+12125550177';

function makeVoice(store: MfaStore, clock: FactorClock, pinPolicy: 'optional' | 'required' = 'optional') {
  const phone = devPhoneOver(store, clock.now);
  const factor = voiceFactor({ credentials: store.credentials, challenges: store.challenges, phone: phone.service, issuerName: 'Acme', now: clock.now }, pinPolicy);
  const callOf = (state: Record<string, unknown> | undefined) => (state?.call as { callId: string }).callId;
  const press = async (callId: string, keys: string) => {
    const pressed = await phone.telephony.pressKeys(callId, keys);
    if (!pressed.ok) throw new Error(pressed.message);
  };
  const enrollInput = { voiceCountry: 'US', voiceNumber: '212.555.0177', voiceExtension: '42' };
  return { phone, factor, callOf, press, enrollInput };
}

describeFactorContract('voice', { enrolls: true, challenges: true, outOfBand: true }, (store, clock) => {
  const { factor, callOf, press, enrollInput } = makeVoice(store, clock);
  return {
    factor,
    enrollInput,
    async setUp(account) {
      const start = await factor.enroll!.begin(account, enrollInput);
      if ('error' in start) throw new Error(start.error);
      await press(callOf(start.pending), '#');
      const result = await factor.enroll!.finish(account, start.pending, {}, async () => true);
      if (result.outcome !== 'ok') throw new Error(`setup failed: ${JSON.stringify(result)}`);
      return result.credential;
    },
    answerSetupElsewhere: (pending, answer) => press(callOf(pending), answer === 'right' ? '#' : '5#'),
    proveSetup: async () => ({}),
    proveSignIn: async () => ({}),
    wrongAnswer: {},
    answerElsewhere: (state, decision) => press(callOf(state), decision === 'approve' ? '#' : '0#'),
  };
});

describe('voice factor', () => {
  let store: MfaStore;
  let time = 1_700_000_000_000;
  const clock: FactorClock = { now: () => time, advance: (ms) => { time += ms; } };
  const account = { id: 'account-1', username: 'alice' };
  beforeEach(async () => {
    store = await openSqlite(clock.now);
  });
  afterEach(() => store.close());

  async function enrolled(subject: ReturnType<typeof makeVoice>, input: Record<string, string> = subject.enrollInput, keys = '#'): Promise<Credential> {
    const start = await subject.factor.enroll!.begin(account, input);
    if ('error' in start) throw new Error(start.error);
    await subject.press(subject.callOf(start.pending), keys);
    const result = await subject.factor.enroll!.finish(account, start.pending, {}, async () => true);
    if (result.outcome !== 'ok') throw new Error(`setup failed: ${JSON.stringify(result)}`);
    return result.credential;
  }

  test('an office phone is called with its extension, the greeting names the organisation, and # signs in', async () => {
    const subject = makeVoice(store, clock);
    const credential = await enrolled(subject);
    expect(credential).toMatchObject({ method: 'voice', secret: number, data: { kind: 'office', extension: '42', masked: '+1 ••• ••• ••77' } });
    expect(subject.factor.describe(credential)).toBe('Office phone +1 ••• ••• ••77 (call, with extension)');
    const { state, view } = await subject.factor.challenge!(account, credential);
    expect(view).toEqual({ calling: '+1 ••• ••• ••77', pinMode: false });
    expect(await subject.phone.newestCall(number)).toMatchObject({ extension: '42', mode: 'confirm', script: expect.stringMatching(/^This is Acme\./) });
    expect(await subject.factor.peek!(state)).toBe('pending');
    await subject.press(subject.callOf(state), '#');
    expect(await subject.factor.peek!(state)).toBe('answered');
    expect(await subject.factor.verify({ account, credentials: [credential], form: {}, state })).toMatchObject({ outcome: 'ok' });
  });

  test('in PIN mode the call asks for the PIN: the right one signs in, a wrong one does not', async () => {
    const subject = makeVoice(store, clock, 'required');
    expect(await subject.factor.enroll!.begin(account, subject.enrollInput)).toEqual({ error: 'Choose a PIN of 4 to 8 digits: the call will ask for it.', field: 'voicePin' });
    expect(await subject.factor.enroll!.begin(account, { ...subject.enrollInput, voicePin: '1234' })).toEqual({ error: expect.stringMatching(/too easy to guess/), field: 'voicePin' });
    const credential = await enrolled(subject, { ...subject.enrollInput, voicePin: '4071' }, '4071#');
    expect(JSON.stringify(credential.data)).not.toContain('4071');
    const wrong = await subject.factor.challenge!(account, credential);
    expect(await subject.phone.newestCall(number)).toMatchObject({ mode: 'pin', script: expect.stringMatching(/enter your PIN followed by the # key/) });
    await subject.press(subject.callOf(wrong.state), '4072#');
    expect(await subject.factor.verify({ account, credentials: [credential], form: {}, state: wrong.state })).toEqual({ outcome: 'failed', reason: 'wrong_code' });
    await subject.press(subject.callOf(wrong.state), '4071#').catch(() => undefined);
    expect(await subject.factor.verify({ account, credentials: [credential], form: {}, state: wrong.state })).toEqual({ outcome: 'failed', reason: 'replayed' });
    const right = await subject.factor.challenge!(account, credential);
    await subject.press(subject.callOf(right.state), '4071#');
    expect(await subject.factor.verify({ account, credentials: [credential], form: {}, state: right.state })).toMatchObject({ outcome: 'ok' });
  });

  test('0# is a denial that reports fraud, given once', async () => {
    const subject = makeVoice(store, clock);
    const credential = await enrolled(subject);
    const { state } = await subject.factor.challenge!(account, credential);
    await subject.press(subject.callOf(state), '0#');
    expect(await subject.factor.verify({ account, credentials: [credential], form: {}, state })).toEqual({ outcome: 'denied', fraud: true });
    expect(await subject.factor.verify({ account, credentials: [credential], form: {}, state })).toEqual({ outcome: 'failed', reason: 'replayed' });
  });

  test('a call that rings out is not answered', async () => {
    const subject = makeVoice(store, clock);
    const credential = await enrolled(subject);
    const { state } = await subject.factor.challenge!(account, credential);
    clock.advance(61_000);
    expect(await subject.factor.peek!(state)).toBe('answered');
    expect(await subject.factor.verify({ account, credentials: [credential], form: {}, state })).toEqual({ outcome: 'failed', reason: 'not_answered' });
  });
});
