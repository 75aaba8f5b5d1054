// "Change password" on security info: behind the same fresh verification as any other change
// to how the person signs in; the current password, regulated and audited like a sign-in (a
// wrong one counts towards the same lockout), and a new one held to the rules accounts are
// created with, hashed the same way. Afterwards every other sign-in of the account ends (its
// sessions and the tokens issued under them) and every remembered device is forgotten: someone
// changing their password may be shutting someone else out.
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { checkPassword } from '../../src/accounts/checkPassword.js';
import { checkPasswordRules, hashPassword, passwordRules } from '../../src/accounts/password.js';
import type { Audit } from '../../src/audit/audit.js';
import type { Regulator } from '../../src/regulation/regulator.js';
import type { Account, Store } from '../../src/store/types.js';
import { refusalMessage, refusalReason } from '../messages.js';
import { accountClientId, accountPaths, type SignedInSession } from './accountSession.js';
import { takeFlash } from './flash.js';

/** What the sign-in page accepts as a password (interactions/login.ts). */
const currentMaxLength = 1024;

export const passwordPath = `${accountPaths.page}/password`;

export const passwordMessages = {
  incomplete: 'Enter your current password, and your new password twice.',
  wrongCurrent: 'Your current password is incorrect.',
  mismatch: 'The two new passwords are not the same. Type the new password twice.',
  unchanged: 'Your new password is the same as your current one. Choose another.',
  changed: 'Your password has changed. You were signed out everywhere else, and remembered devices will be asked for a second factor again.',
};

// The body is capped (16 KiB) before this; the rules refuse a new password over
// passwordRules.maxLength before anything is hashed, and no current password is that long.
const passwordForm = z.object({
  current: z.string().min(1),
  password: z.string().min(1),
  confirm: z.string(),
}).loose();

export interface ChangePasswordDeps {
  store: Store;
  regulator: Regulator;
  audit: Audit;
  now: () => number;
}

export interface ChangePasswordHelpers {
  guard: Middleware;
  signedIn: Middleware;
  fresh: Middleware;
  render(ctx: Context, template: string, data: Record<string, unknown>): void;
  back(ctx: Context, notice: string): void;
}

/** "a password must ..." from the rules, as a sentence. */
const sentence = (problem: string) => `${problem[0]!.toUpperCase()}${problem.slice(1)}.`;

export function changePasswordRoutes(router: Router, deps: ChangePasswordDeps, { guard, signedIn, fresh, render, back }: ChangePasswordHelpers) {
  const { store, regulator, audit } = deps;
  const hint = `At least ${passwordRules.minLength} characters. A few unrelated words make a good password; the most common passwords are refused.`;
  const show = (ctx: Context, error?: string, status = 200, notice?: string) => {
    ctx.status = status;
    ctx.set('Cache-Control', 'no-store');
    render(ctx, 'settings-password.njk', { error, notice, hint });
  };
  const auditFields = (ctx: Context) => {
    const session = ctx.state.account as SignedInSession;
    return { accountId: session.sub, username: session.username, clientId: accountClientId, ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined };
  };

  router.get(passwordPath, signedIn, fresh, (ctx) => show(ctx, undefined, 200, takeFlash(ctx)));

  router.post(passwordPath, guard, signedIn, fresh, async (ctx) => {
    const session = ctx.state.account as SignedInSession;
    const account = ctx.state.accountRecord as Account;
    const parsed = passwordForm.safeParse(ctx.state.form);
    if (!parsed.success) return show(ctx, passwordMessages.incomplete, 400);
    const { current, password, confirm } = parsed.data;
    // The new password's own faults first: they are no guess at the current one.
    if (password !== confirm) return show(ctx, passwordMessages.mismatch, 400);
    const problem = checkPasswordRules(password, { username: account.username });
    if (problem) return show(ctx, sentence(problem), 400);

    // The current password is a guess like any sign-in's: counted first, towards the same lock.
    const attempt = await regulator.begin('password', account.id, ctx.ip);
    if (attempt.refusal) {
      await audit.record({ type: 'password.change', result: 'fail', reason: refusalReason(attempt.refusal), ...auditFields(ctx) });
      return show(ctx, refusalMessage(attempt.refusal, deps.now()), 429);
    }
    // No password is longer than the sign-in page accepts: one that is, is simply wrong.
    const check = current.length <= currentMaxLength ? await checkPassword(store.accounts, account, current) : { ok: false as const };
    if (!check.ok) {
      await attempt.failed();
      await audit.record({ type: 'password.change', result: 'fail', reason: 'wrong current password', ...auditFields(ctx) });
      return show(ctx, passwordMessages.wrongCurrent, 401);
    }
    await attempt.succeeded();
    if (password.normalize('NFKC') === current.normalize('NFKC')) return show(ctx, passwordMessages.unchanged, 400);

    await store.accounts.setPasswordHash(account.id, await hashPassword(password));
    const ended = await store.endAccountSessions(account.id, { keepSessionUid: session.providerSessionUid });
    const forgotten = await store.devices.removeAll(account.id);
    await audit.record({ type: 'password.change', result: 'ok', reason: `other sign-ins ended (${ended} records), ${forgotten} remembered device(s) forgotten`, ...auditFields(ctx) });
    back(ctx, passwordMessages.changed);
  });
}
