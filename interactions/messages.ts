// What people read when something does not work. Whatever the precise reason (wrong, reused,
// malformed), a failed factor gets one message, the factor's own; the audit log keeps the reason.
import type { Factor } from '../src/factors/types.js';
import type { Answer } from '../src/mfa/verification.js';
import type { Refusal } from '../src/regulation/regulator.js';

export const mfaMessages = {
  network: 'Too many failed attempts from your network. Try again later.',
  permanent: 'Verification is locked after too many failed attempts. Contact your administrator to unlock it.',
  expired: 'That request has expired. Ask for a new one, or choose another way to verify.',
  denied: 'The sign-in was denied. If that was not you, your administrator has been told.',
  waiting: "We haven't had an answer yet. Answer it, then choose Continue.",
  blocked: 'Verification is blocked after a sign-in was reported as not yours. Contact your administrator to unblock it.',
};

export { refusalReason } from '../src/mfa/verification.js';

const inMinutes = (until: number, now: number) => {
  const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
};

export function refusalMessage(refusal: Refusal, now: number): string {
  if (refusal.refused === 'network') return mfaMessages.network;
  if (refusal.refused === 'sends') {
    const seconds = Math.max(1, Math.ceil((refusal.until - now) / 1000));
    return seconds < 90 ? `You can ask for a new one in ${seconds} seconds.` : `You've asked for several already. You can ask again in ${inMinutes(refusal.until, now)}.`;
  }
  if (refusal.until === null) return mfaMessages.permanent;
  return `Too many failed attempts. Try again in ${inMinutes(refusal.until, now)}.`;
}

/** The one message a person sees for an answer that did not get them in. */
export function answerMessage(answer: Answer, factor: Factor, now: number): string {
  switch (answer.outcome) {
    case 'refused':
      return refusalMessage(answer.refusal, now);
    case 'expired':
      return mfaMessages.expired;
    case 'denied':
      return mfaMessages.denied;
    case 'pending':
      return mfaMessages.waiting;
    case 'blocked':
      return mfaMessages.blocked;
    case 'failed':
      return (factor.waiting === 'out-of-band' && factor.wording.failedBecause?.[answer.reason]) || factor.wording.failed;
    default:
      return factor.wording.failed;
  }
}
