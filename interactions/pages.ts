// Rendering Twofold's pages with what every one of them needs.
import type { Context } from 'koa';
import type { InteractionDeps } from './deps.js';
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

export async function renderBlocked(ctx: Context, deps: InteractionDeps, interaction: Interaction) {
  ctx.status = 403;
  await renderPage(ctx, deps, interaction, 'blocked.njk');
}

/** "Signing in as alice — Not you?": a sign-in that began with this interaction starts over at
 * the password page; a session stepping up (someone is signed in already) is signed out. */
export function signingInAs({ interaction, account }: Pick<SignInContext, 'interaction' | 'account'>) {
  return { signingInAs: { username: account.username, startOver: !interaction.session?.accountId } };
}
