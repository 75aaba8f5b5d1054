// What people read when something does not work. Whatever the precise reason (wrong,
// reused, malformed), a failed factor gets one message; the audit log keeps the reason.
import type { Refusal } from '../src/regulation/regulator.js';

export const mfaMessages = {
  failed: "That code didn't work. Check the code and try again.",
  network: 'Too many failed attempts from your network. Try again later.',
  permanent: 'Verification is locked after too many failed attempts. Contact your administrator to unlock it.',
};

/** What the audit log records for a refused attempt. */
export const refusalReason = (refusal: Refusal) => (refusal.refused === 'network' ? 'network limit' : 'locked');

export function refusalMessage(refusal: Refusal, now: number): string {
  if (refusal.refused === 'network') return mfaMessages.network;
  if (refusal.until === null) return mfaMessages.permanent;
  const minutes = Math.max(1, Math.ceil((refusal.until - now) / 60_000));
  return `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}
