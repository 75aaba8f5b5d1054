// The development phone: nothing leaves the machine. Texts go to an outbox and calls ring
// until someone presses keys on /dev/phone (or its JSON view), all kept in the store.
import type { PhoneCall, Store } from '../../store/types.js';
import { keysPattern } from '../callAnswer.js';
import { readCallOutcome } from '../callOutcome.js';
import { callGreeting } from '../scripts.js';
import type { Telephony } from '../types.js';

export type KeypadResult = { ok: true; call: PhoneCall } | { ok: false; reason: 'not-found' | 'not-ringing' | 'invalid-keys'; message: string };

export interface DevelopmentTelephony extends Telephony {
  readonly adapter: 'development';
  /** Presses keys on a ringing call, as the person holding the phone would: digits, * and a final #. */
  pressKeys(callId: string, keys: string): Promise<KeypadResult>;
  /** Declines a ringing call. */
  hangUp(callId: string): Promise<KeypadResult>;
}

/** A real phone stops ringing after about a minute (Twilio's default call timeout is 60 s). */
export const ringMs = 60_000;

export function developmentTelephony({ store, now }: { store: Pick<Store, 'phone'>; now: () => number }): DevelopmentTelephony {
  const ringing = async (callId: string): Promise<KeypadResult> => {
    const outcome = await readCallOutcome(store.phone, callId, now, ringMs);
    const call = await store.phone.getCall(callId);
    if (!outcome || !call || call.adapter !== 'development') return { ok: false, reason: 'not-found', message: 'There is no such call.' };
    if (outcome.status !== 'ringing') return { ok: false, reason: 'not-ringing', message: 'That call has ended.' };
    return { ok: true, call };
  };
  const settle = async (callId: string, outcome: Parameters<typeof store.phone.settleCall>[1]): Promise<KeypadResult> => {
    const found = await ringing(callId);
    if (!found.ok) return found;
    if (!(await store.phone.settleCall(callId, outcome, now()))) return { ok: false, reason: 'not-ringing', message: 'That call has ended.' };
    return { ok: true, call: (await store.phone.getCall(callId))! };
  };
  return {
    adapter: 'development',
    async sendText({ to, body }) {
      await store.phone.addText({ adapter: 'development', to, body, at: now() });
      return { ok: true };
    },
    async placeCall({ to, extension, mode, organisation }) {
      const call = await store.phone.addCall({ adapter: 'development', to, extension, mode, script: callGreeting(organisation, mode), at: now() });
      return { ok: true, callId: call.id };
    },
    callOutcome: (callId) => readCallOutcome(store.phone, callId, now, ringMs),
    async pressKeys(callId, keys) {
      const pressed = keys.replace(/\s+/g, '');
      if (!keysPattern.test(pressed)) {
        return { ok: false, reason: 'invalid-keys', message: 'Press digits (or *) and finish with #: for example #, 0# or 1234#.' };
      }
      return settle(callId, { status: 'answered', keys: pressed });
    },
    hangUp: (callId) => settle(callId, { status: 'no-answer', detail: 'declined on the development phone' }),
  };
}
