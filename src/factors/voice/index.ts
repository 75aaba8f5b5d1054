// A call to a mobile or office phone (amr `tel`), answered elsewhere: the page waits while the
// phone rings, and the person presses # (or their PIN then #) to finish signing in, or 0# to
// report that it was not them. An office number's extension is dialled once the call connects.
// Each call's answer is taken once (a record in the challenge store), so one # cannot finish two
// sign-ins and one 0# is reported once.
import { z } from 'zod';
import { hashPassword, verifyPassword } from '../../accounts/password.js';
import type { CallAnswer } from '../../phone/callAnswer.js';
import type { CallMode } from '../../phone/types.js';
import type { Decision } from '../../policy/types.js';
import type { Credential } from '../../store/types.js';
import { defineFactor, type FactorDeps } from '../definition.js';
import { countryOptions, phoneDataOf, type PhoneData, readPhoneInput, requester, secondsUntil } from '../phoneMethods.js';
import { replaceOrAdd, unavailable } from '../sms/index.js';
import type { Factor, FactorAccount, VerifyResult } from '../types.js';
import { pinProblem } from './pin.js';

/** Long enough for the phone to ring out (a minute) and the person to find the keys. */
export const callLifetime = 4 * 60;
const callKey = (callId: string) => `call:${callId}`;

export type PinPolicy = 'optional' | 'required';

interface CallRef {
  callId: string;
  mode: CallMode;
  expiresAt: number;
}

export function voiceFactor({ credentials, challenges, phone, phoneVerified, now }: FactorDeps, pinPolicy: PinPolicy): Factor {
  async function placeCall(account: FactorAccount, to: string, extension: string | null, mode: CallMode): Promise<{ ref: CallRef } | { error: string }> {
    if (!phone || !challenges) return { error: unavailable };
    const placed = await phone.placeCall({ to, extension, mode }, requester(account, 'voice'));
    if (!placed.ok) return { error: placed.message };
    const expiresAt = now() + callLifetime * 1000;
    await challenges.put(callKey(placed.callId), account.id, { expiresAt }, callLifetime);
    return { ref: { callId: placed.callId, mode, expiresAt } };
  }

  /** A call method already set up for this number: setting it up again (now with a PIN) replaces it. */
  async function sameNumber(account: FactorAccount, e164: string): Promise<string | undefined> {
    return (await credentials.list(account.id)).find((credential) => credential.method === 'voice' && credential.secret === e164)?.id;
  }

  const refOf = (value: unknown): CallRef | undefined => {
    const ref = value as Partial<CallRef> | undefined;
    return ref && typeof ref.callId === 'string' && (ref.mode === 'confirm' || ref.mode === 'pin') && typeof ref.expiresAt === 'number' ? (ref as CallRef) : undefined;
  };

  /** What the call's keys mean for this sign-in; takes the answer once it is in. */
  async function readAnswer(value: unknown, pinHash: string | null | undefined, credential: () => Promise<Credential | undefined>): Promise<VerifyResult> {
    const ref = refOf(value);
    if (!ref || !phone || !challenges) return { outcome: 'failed', reason: 'not_answered' };
    if (ref.expiresAt <= now()) return { outcome: 'expired' };
    const answer: CallAnswer = await phone.callAnswer(ref.callId, ref.mode);
    if (answer.kind === 'waiting') return { outcome: 'pending' };
    if (!(await challenges.take(callKey(ref.callId)))) return { outcome: 'failed', reason: 'replayed' };
    let pinUsed = false;
    switch (answer.kind) {
      case 'fraud':
        return { outcome: 'denied', fraud: true };
      case 'confirmed':
        break;
      case 'pin':
        if (!pinHash || !(await verifyPassword(pinHash, answer.pin))) return { outcome: 'failed', reason: 'wrong_code' };
        pinUsed = true;
        break;
      case 'wrong-keys':
        return { outcome: 'failed', reason: 'wrong_code' };
      default:
        return { outcome: 'failed', reason: 'not_answered' };
    }
    const used = await credential();
    if (!used) return { outcome: 'failed', reason: 'replayed' };
    // RFC 8176 `pin`: the person also proved something they know, and policy may ask for it.
    return pinUsed ? { outcome: 'ok', credential: used, amr: ['tel', 'pin'] } : { outcome: 'ok', credential: used };
  }

  const modeFor = (data: PhoneData): CallMode => (data.pinHash ? 'pin' : 'confirm');
  /** The deployment may require a PIN on every call, or a policy rule on the sign-ins it decides. */
  const pinNeeded = (decision?: Decision) => pinPolicy === 'required' || decision?.callPin === 'required';

  return {
    id: 'voice',
    amr: ['tel'],
    phishingResistant: false,
    title: 'Office phone',
    description: 'We call your phone; you press # (or your PIN, then #) to finish signing in.',
    waiting: 'out-of-band',
    wording: {
      submit: 'Continue',
      failed: "The call didn't finish signing you in. Choose Call me again, or another way to verify.",
      resend: 'Call me again',
      failedBecause: {
        not_answered: "The call wasn't answered, or couldn't be placed. Choose Call me again, or another way to verify.",
        wrong_code: 'The keys pressed on the call were not right. Choose Call me again to try once more, or another way to verify.',
      },
    },
    enroll: {
      form: (decision) => ({ countries: phone ? countryOptions(phone.country) : [], available: Boolean(phone), pinRequired: pinNeeded(decision) }),
      async begin(account, input, { decision, mayContact } = {}) {
        if (!phone) return { error: unavailable };
        // A mobile switched to calls keeps its kind when its number changes; a new one is an office phone.
        const kind = input.voiceKind === 'mobile' ? 'mobile' : 'office';
        const number = readPhoneInput(phone, input, 'voice', kind);
        if (!number.ok) return { error: number.error, field: number.field };
        const pin = String(input.voicePin ?? '').trim();
        if (pin || pinNeeded(decision)) {
          const problem = pin ? pinProblem(pin) : 'Choose a PIN of 4 to 8 digits: the call will ask for it.';
          if (problem) return { error: problem, field: 'voicePin' };
        }
        const refused = await mayContact?.();
        if (refused) return { error: refused };
        const pinHash = pin ? await hashPassword(pin) : null;
        const placed = await placeCall(account, number.e164, number.extension, pinHash ? 'pin' : 'confirm');
        if ('error' in placed) return placed;
        return {
          view: { calling: phone.mask(number.e164), pinMode: Boolean(pinHash) },
          pending: { e164: number.e164, extension: number.extension, kind, pinHash, call: placed.ref, replaces: typeof input.replaces === 'string' ? input.replaces : await sameNumber(account, number.e164) },
        };
      },
      async finish(account, pending, form, claim) {
        const e164 = typeof pending.e164 === 'string' ? pending.e164 : undefined;
        if (!e164 || !phone) return { outcome: 'failed', reason: 'no_credential' };
        const pinHash = typeof pending.pinHash === 'string' ? pending.pinHash : null;
        const result = await readAnswer(pending.call, pinHash, async () => {
          if (!(await claim())) return undefined;
          const extension = typeof pending.extension === 'string' ? pending.extension : null;
          const data: PhoneData = { kind: pending.kind === 'mobile' ? 'mobile' : 'office', extension, masked: phone.mask(e164), pinHash };
          return replaceOrAdd(credentials, account, 'voice', e164, data, form.label, pending.replaces);
        });
        if (result.outcome === 'ok' && phoneVerified) await phoneVerified(account.id, e164);
        return result;
      },
    },
    async challenge(account, credential) {
      const data = phoneDataOf(credential);
      const view = { calling: data.masked, pinMode: Boolean(data.pinHash) };
      const placed = credential.secret ? await placeCall(account, credential.secret, data.extension, modeFor(data)) : { error: unavailable };
      if ('error' in placed) return { view: { ...view, sendError: placed.error }, state: { credentialId: credential.id }, expiresIn: callLifetime };
      return { view, state: { credentialId: credential.id, call: placed.ref }, expiresIn: callLifetime };
    },
    async peek(state) {
      // No call placed, or its answer already taken: nothing new will come in, so the page (which
      // submits on 'answered') must not submit again and again; it shows what happened already.
      const ref = refOf(state.call);
      if (!ref || !phone || !challenges || !(await challenges.get(callKey(ref.callId)))) return 'pending';
      return (await phone.callAnswer(ref.callId, ref.mode)).kind === 'waiting' ? 'pending' : 'answered';
    },
    async verify({ credentials: candidates, state }) {
      const called = candidates.find((candidate) => candidate.method === 'voice' && candidate.id === state?.credentialId);
      if (!called) return { outcome: 'failed', reason: 'no_credential' };
      return readAnswer(state?.call, phoneDataOf(called).pinHash, async () => called);
    },
    meets: {
      // A phone without a PIN cannot answer a call that must ask for one; the person uses another
      // method, or sets a PIN (on the security-info page, or by setting the call up again).
      credential: (credential, decision) => !pinNeeded(decision) || Boolean(phoneDataOf(credential).pinHash),
      proof: (amr, decision) => !pinNeeded(decision) || amr.includes('pin'),
    },
    describe(credential) {
      const data = phoneDataOf(credential);
      const label = credential.label ? `, ${credential.label}` : '';
      return `${data.kind === 'office' ? 'Office phone' : 'Phone'} ${data.masked} (call${data.extension ? ', with extension' : ''}${label})`;
    },
  };
}

export const voiceDefinition = defineFactor({
  id: 'voice',
  options: {
    voicePin: {
      env: 'TWOFOLD_VOICE_PIN',
      description: "Calls and PINs: 'optional' (a person may set a PIN, and calls to their phone then ask for it; otherwise # is enough; a policy rule's call_pin may still require one) or 'required' (every call must be answered with a PIN: setting up a call method asks for one, and a phone without one is not offered).",
      expects: "'optional' or 'required'",
      schema: z.enum(['optional', 'required']),
      default: 'optional' as PinPolicy,
    },
  },
  create: (deps, config) => voiceFactor(deps, config.voicePin),
});
