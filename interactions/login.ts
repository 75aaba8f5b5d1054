// The password step.
import type { Context } from 'koa';
import { z } from 'zod';
import { checkPassword } from '../src/accounts/checkPassword.js';
import { HttpError } from '../src/http/form.js';
import type { InteractionDeps } from './deps.js';
import { clientName, finishInteraction, type Interaction, loadInteraction } from './interaction.js';

export const messages = {
  wrongCredentials: 'Your username or password is incorrect.',
  missingCredentials: 'Enter your username and password.',
  disabled: 'This account is disabled. Contact your administrator.',
};

const loginForm = z.object({ username: z.string().trim().min(1).max(256), password: z.string().min(1).max(1024) });

export async function renderLogin(ctx: Context, deps: InteractionDeps, interaction: Interaction, extra: { error?: string; username?: string } = {}) {
  ctx.type = 'html';
  ctx.body = deps.views.render('login.njk', {
    uid: interaction.uid,
    client: await clientName(deps.provider, interaction),
    csrf: deps.csrf.token(ctx),
    username: extra.username ?? (typeof interaction.params.login_hint === 'string' ? interaction.params.login_hint : ''),
    error: extra.error,
  });
}

export async function submitLogin(ctx: Context, deps: InteractionDeps) {
  const interaction = await loadInteraction(ctx, deps.provider);
  if (interaction.prompt.name !== 'login') throw new HttpError(400, 'This sign-in step is already done. Go back to the application and start again.');
  const form = ctx.state.form as Record<string, string>;
  const parsed = loginForm.safeParse(form);
  if (!parsed.success) {
    ctx.status = 400;
    return renderLogin(ctx, deps, interaction, { error: messages.missingCredentials, username: form.username?.slice(0, 256) });
  }
  const { username, password } = parsed.data;
  const check = await checkPassword(deps.store.accounts, username, password);
  if (!check.ok) {
    deps.log.info('password rejected', { username, reason: check.reason, client: interaction.params.client_id, ip: ctx.ip });
    ctx.status = 401;
    return renderLogin(ctx, deps, interaction, { error: check.reason === 'disabled' ? messages.disabled : messages.wrongCredentials, username });
  }
  deps.log.info('password accepted', { accountId: check.account.id, client: interaction.params.client_id, ip: ctx.ip });
  await finishInteraction(ctx, deps.provider, {
    login: { accountId: check.account.id, amr: ['pwd'], acr: deps.acr.sfa, ts: Math.floor(Date.now() / 1000), remember: true },
  });
}
