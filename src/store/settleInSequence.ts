// `AttemptStore.settle` for an adapter without multi-document transactions: the same writes one
// after another, in the order that matters (the count first, then the audit line).
import { afterSuccess } from '../regulation/decide.js';
import type { AttemptOutcome, AttemptStore, AuditStore } from './types.js';

export async function settleInSequence(attempts: Omit<AttemptStore, 'settle'>, audit: Pick<AuditStore, 'append'>, { subject, network, ok, at, audit: event }: AttemptOutcome): Promise<void> {
  if (ok) await attempts.update(subject, afterSuccess);
  await attempts.recordAttempt({ subject, network, ok, at });
  if (event) await audit.append(event);
}
