// Reads a call's outcome from the store, giving up on a call that rang too long: a lost
// callback must not leave a sign-in waiting for ever.
import type { PhoneStore } from '../store/types.js';
import type { CallOutcome } from './types.js';

export async function readCallOutcome(store: PhoneStore, callId: string, now: () => number, giveUpAfterMs: number): Promise<CallOutcome | undefined> {
  let call = await store.getCall(callId);
  if (call?.status === 'ringing' && now() - call.createdAt >= giveUpAfterMs) {
    await store.settleCall(callId, { status: 'no-answer', detail: 'no outcome in time' }, now());
    call = await store.getCall(callId);
  }
  if (!call) return undefined;
  switch (call.status) {
    case 'ringing':
      return { status: 'ringing' };
    case 'answered':
      return { status: 'answered', keys: call.keys ?? '' };
    case 'no-answer':
      return { status: 'no-answer' };
    case 'failed':
      return { status: 'failed', detail: call.detail ?? 'the call failed' };
  }
}
