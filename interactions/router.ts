// The ready provider's own interaction pages (password and consent); the second-factor
// pages are in mfaRoutes.ts. Every request names its interaction, every POST carries a CSRF token.
import Router from '@koa/router';
import { HttpError } from '../src/http/form.js';
import { renderConsent, submitConsent } from './consent.js';
import type { ProviderPageDeps } from './deps.js';
import { finishInteraction, loadInteraction } from './interaction.js';
import { mfaPromptName } from '../src/provider/mfaPrompt.js';
import { formGuard, pageErrors } from './guards.js';
import { renderLogin, showLogin, submitLogin } from './login.js';
import { submitPasskey } from './passkey.js';

export function interactionRoutes(deps: ProviderPageDeps): Router {
  const router = new Router({ prefix: '/interaction' });
  const guard = formGuard(deps);
  router.use(pageErrors(deps));

  router.get('/:uid', async (ctx) => {
    const interaction = await loadInteraction(ctx, deps.provider);
    switch (interaction.prompt.name) {
      case 'login':
        return showLogin(ctx, deps, interaction);
      case 'consent':
        return renderConsent(ctx, deps, interaction);
      case mfaPromptName:
        ctx.status = 303;
        return ctx.redirect(`/interaction/${interaction.uid}/mfa`);
      default:
        throw new HttpError(400, 'This sign-in step is not supported.');
    }
  });
  router.post('/:uid/login', guard, (ctx) => submitLogin(ctx, deps));
  router.post('/:uid/passkey', guard, (ctx) => submitPasskey(ctx, deps, (interaction, error) => renderLogin(ctx, deps, interaction, { error })));
  router.post('/:uid/consent', guard, (ctx) => submitConsent(ctx, deps));
  router.post('/:uid/abort', guard, async (ctx) => {
    await loadInteraction(ctx, deps.provider);
    await finishInteraction(ctx, deps.provider, { error: 'access_denied', error_description: 'End-User aborted interaction' });
  });
  return router;
}
