// Rendering Twofold's pages with what every one of them needs.
import type { Context } from 'koa';
import type { InteractionDeps } from './deps.js';
import type { DirectoryAccount } from '../src/mfa/accountDirectory.js';
import { auditFields } from './auditFields.js';
import { referToHelpdesk } from './helpdeskReference.js';
import { clientName, type Interaction } from './interaction.js';
import type { SignInContext } from './signInContext.js';

export async function renderPage(ctx: Context, deps: InteractionDeps, interaction: Interaction, template: string, data: Record<string, unknown> = {}) {
  ctx.type = 'html';
  ctx.body = deps.views.render(template, {
    uid: interaction.uid,
    client: await clientName(deps.provider, interaction),
    csrf: deps.csrf.token(ctx),
    ...data,
  });
}

/** "You can't sign in here", with a reference for the helpdesk that the audit log holds too. */
export async function renderBlocked(ctx: Context, deps: InteractionDeps, interaction: Interaction, account?: DirectoryAccount, rule?: string) {
  const reference = await referToHelpdesk(deps.mfa.deps.audit, { type: 'sign-in', result: 'info', rule, reason: 'shown "You can\'t sign in here": blocked by policy', ...auditFields(ctx, interaction, account) });
  ctx.status = 403;
  await renderPage(ctx, deps, interaction, 'blocked.njk', { reference });
}

/** "Signing in as alice — Not you?": a sign-in that began with this interaction starts over at
 * the password page; a session stepping up (someone is signed in already) is signed out. */
export function signingInAs({ interaction, account }: Pick<SignInContext, 'interaction' | 'account'>) {
  return { signingInAs: { username: account.username, startOver: !interaction.session?.accountId } };
}

/** "Verification is blocked" after a fraud report, with a reference as on the blocked page. */
export async function renderVerificationBlocked(ctx: Context, deps: InteractionDeps, interaction: Interaction, account: DirectoryAccount) {
  const reference = await referToHelpdesk(deps.mfa.deps.audit, { type: 'sign-in', result: 'info', reason: 'shown "Verification is blocked": blocked after a fraud report', ...auditFields(ctx, interaction, account) });
  ctx.status = 403;
  await renderPage(ctx, deps, interaction, 'mfa-blocked.njk', { reference });
}
