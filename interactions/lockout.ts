// What the verification page says about the lockout: how many tries remain once few do, and,
// while locked, when the lock ends (the form is disabled until then) with a helpdesk reference.
import type { Context } from 'koa';
import type { DirectoryAccount } from '../src/mfa/accountDirectory.js';
import { gate } from '../src/regulation/decide.js';
import { auditFields } from './auditFields.js';
import type { InteractionDeps } from './deps.js';
import { referToHelpdesk } from './helpdeskReference.js';
import type { Interaction } from './interaction.js';
import { refusalMessage } from './messages.js';

/** From this many tries left, the page says how many. */
export const fewTries = 3;

export function triesLeftWarning(left: number): string | undefined {
  if (left < 1 || left > fewTries) return undefined;
  return `You have ${left} ${left === 1 ? 'try' : 'tries'} left before verification is locked.`;
}

export interface LockView {
  /** ISO time the lock ends, for <time datetime>; absent when only an administrator can unlock. */
  datetime?: string;
  /** The same time as people read it: "23:45 UTC", with the date when it is not within a day. */
  until?: string;
  reference: string;
  /** The message for the alert: the same words as a refused attempt. */
  message: string;
}

const hourMs = 3600_000;

function readable(until: number, now: number): string {
  const date = new Date(until);
  const time = `${date.toISOString().slice(11, 16)} UTC`;
  if (until - now < 20 * hourMs) return time;
  return `${date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })}, ${time}`;
}

/** The lock on the account's second factor, if there is one now, described for the page; the
 * page's reference goes into the audit log with the lock's end. */
export async function verificationLock(ctx: Context, deps: InteractionDeps, interaction: Interaction, account: DirectoryAccount): Promise<LockView | undefined> {
  const { regulator, audit, now } = deps.mfa.deps;
  const open = gate(await regulator.status('mfa', account.id), now());
  if (open.allowed) return undefined;
  const view = open.until === null ? {} : { datetime: new Date(open.until).toISOString(), until: readable(open.until, now()) };
  const reference = await referToHelpdesk(audit, {
    type: 'sign-in', result: 'info', ...auditFields(ctx, interaction, account),
    reason: `shown the verification page locked ${open.until === null ? 'until an administrator unlocks it' : `until ${new Date(open.until).toISOString()}`}`,
  });
  return { ...view, reference, message: refusalMessage({ refused: 'locked', until: open.until }, now()) };
}
