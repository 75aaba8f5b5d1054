// The password step, and re-authentication when a relying party's max_age has passed.
import type { Context } from 'koa';
import { z } from 'zod';
import { checkPassword } from '../src/accounts/checkPassword.js';
import { normalizeUsername } from '../src/accounts/validate.js';
import { HttpError } from '../src/http/form.js';
import { signInStates } from '../src/mfa/signInState.js';
import type { ProviderPageDeps } from './deps.js';
import { clientName, type Interaction, loadInteraction } from './interaction.js';
import { refusalMessage, refusalReason } from './messages.js';
import { passkeyOffer } from './passkey.js';
import { referToHelpdesk } from './helpdeskReference.js';
import { purposeOf } from './purpose.js';
import { auditFields, completePrimary, requestFacts } from './signIn.js';

export const messages = {
  wrongCredentials: 'Your username or password is incorrect.',
  missingCredentials: 'Enter your username and password.',
  disabled: 'This account is disabled. Contact your administrator.',
};

const loginForm = z.object({ username: z.string().trim().min(1).max(256), password: z.string().min(1).max(1024) });

export async function renderLogin(ctx: Context, deps: ProviderPageDeps, interaction: Interaction, extra: { error?: string; username?: string; reference?: string } = {}) {
  ctx.type = 'html';
  ctx.body = deps.views.render('login.njk', {
    uid: interaction.uid,
    client: await clientName(deps.provider, interaction),
    csrf: deps.csrf.token(ctx),
    username: extra.username ?? (typeof interaction.params.login_hint === 'string' ? interaction.params.login_hint : ''),
    error: extra.error,
    passkey: await passkeyOffer(deps, interaction),
    purpose: purposeOf(interaction),
    reference: extra.reference,
  });
}

/**
 * The login page, or, when only the relying party's max_age has passed on a session that has a
 * second factor, that factor alone: NIST SP 800-63B lets an AAL2 session reauthenticate with one factor.
 */
export async function showLogin(ctx: Context, deps: ProviderPageDeps, interaction: Interaction) {
  const session = interaction.session;
  const sessionAmr = (session?.amr as string[] | undefined) ?? [];
  // Only a session that already has a second factor: one that had only a password gives it again.
  if (session?.accountId && sessionAmr.includes('mfa') && interaction.prompt.reasons.every((reason) => reason === 'max_age')) {
    const account = await deps.mfa.deps.directory.find(session.accountId);
    const decision = account && deps.mfa.decide(account, requestFacts(ctx, interaction));
    if (decision?.require === 'mfa' && deps.mfa.hasOwnMethod(await deps.mfa.usableMethods(session.accountId, decision))) {
      // What is proven now is all the tokens will name: the earlier password is not repeated.
      await signInStates(deps.store.challenges).save(interaction.uid, { accountId: session.accountId, amr: [], proven: [], reauthenticating: session.acr as string | undefined });
      ctx.status = 303;
      return ctx.redirect(`/interaction/${interaction.uid}/mfa`);
    }
  }
  return renderLogin(ctx, deps, interaction);
}

export async function submitLogin(ctx: Context, deps: ProviderPageDeps) {
  const interaction = await loadInteraction(ctx, deps.provider);
  if (interaction.prompt.name !== 'login') throw new HttpError(400, 'This sign-in step is already done. Go back to the application and start again.');
  const form = ctx.state.form as Record<string, string>;
  const parsed = loginForm.safeParse(form);
  if (!parsed.success) {
    ctx.status = 400;
    return renderLogin(ctx, deps, interaction, { error: messages.missingCredentials, username: form.username?.slice(0, 256) });
  }
  const { username, password } = parsed.data;
  const { regulator, audit, now } = deps.mfa.deps;
  const account = await deps.accounts.findByUsername(normalizeUsername(username));
  const fields = { ...auditFields(ctx, interaction), accountId: account?.id, username };

  // Unknown usernames are regulated too, so a lockout does not tell which accounts exist.
  const attempt = await regulator.begin('password', account?.id ?? `unknown:${normalizeUsername(username)}`, ctx.ip);
  if (attempt.refusal) {
    await audit.record({ type: 'password', result: 'fail', reason: refusalReason(attempt.refusal), ...fields });
    // A lock gets a reference to quote to a helpdesk, kept in the audit log (as the blocked pages do).
    const reference = attempt.refusal.refused === 'locked'
      ? await referToHelpdesk(audit, { type: 'sign-in', result: 'info', ...fields, reason: `shown the sign-in page with the password locked${attempt.refusal.until === null ? '' : ` until ${new Date(attempt.refusal.until).toISOString()}`}` })
      : undefined;
    ctx.status = 429;
    return renderLogin(ctx, deps, interaction, { error: refusalMessage(attempt.refusal, now()), username, reference });
  }
  const check = await checkPassword(deps.accounts, account, password);
  if (!check.ok) {
    await attempt.failed(audit.entry({ type: 'password', result: 'fail', reason: check.reason.replace('_', ' '), ...fields }));
    ctx.status = 401;
    return renderLogin(ctx, deps, interaction, { error: check.reason === 'disabled' ? messages.disabled : messages.wrongCredentials, username });
  }
  await attempt.succeeded(audit.entry({ type: 'password', result: 'ok', ...fields }));
  const { id, username: canonical, groups } = check.account;
  await completePrimary(ctx, deps, interaction, { id, username: canonical, groups }, ['pwd']);
}
