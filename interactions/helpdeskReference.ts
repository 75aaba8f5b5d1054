// A short reference for the pages that stop someone (blocked, locked): they can quote it to a
// helpdesk, and the same reference is in the audit entry the page made, so
// `twofold audit tail --user <name>` finds what happened, with the reason they were not shown.
import { randomInt } from 'node:crypto';
import type { Audit, AuditInput } from '../src/audit/audit.js';

// Crockford's base32: no I, L, O or U, so a reference read over the phone is not misheard.
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Eight random characters (40 bits) as two groups: `K7Q2-M9XD`. */
export function newReference(): string {
  const chars = Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

/** Records why the person was stopped under a new reference, and returns it for the page. */
export async function referToHelpdesk(audit: Audit, event: Omit<AuditInput, 'reason'> & { reason: string }): Promise<string> {
  const reference = newReference();
  await audit.record({ ...event, reason: `reference ${reference}: ${event.reason}` });
  return reference;
}
