// The interaction pages: every request names its interaction, every POST carries a CSRF token.
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { HttpError, readForm } from '../src/http/form.js';
import { securityHeaders } from '../src/http/securityHeaders.js';
import { renderConsent, submitConsent } from './consent.js';
import type { InteractionDeps } from './deps.js';
import { finishInteraction, loadInteraction } from './interaction.js';
import { renderLogin, submitLogin } from './login.js';

export const csrfFailure = 'This form has expired or did not come from this site. Go back and try again.';

/** Parses the form and checks its CSRF token before any controller sees it. */
export function formGuard(deps: Pick<InteractionDeps, 'csrf'>) {
  return async (ctx: Context, next: Next) => {
    const form = await readForm(ctx);
    if (!deps.csrf.verify(ctx, form.csrf)) throw new HttpError(403, csrfFailure);
    ctx.state.form = form;
    await next();
  };
}

/** Renders Twofold's error page for expected failures; unexpected ones are logged and shown generically. */
export function pageErrors(deps: Pick<InteractionDeps, 'views' | 'log'>) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      const expected = error instanceof HttpError;
      if (!expected) deps.log.error('page failed', { path: ctx.path, error: (error as Error).message, stack: (error as Error).stack });
      ctx.status = expected ? error.status : 500;
      ctx.type = 'html';
      ctx.body = deps.views.render('error.njk', expected
        ? { title: 'We could not continue', message: error.message }
        : { title: 'Something went wrong', message: 'Something went wrong on our side. Try again in a moment.' });
    }
  };
}

export function interactionRoutes(deps: InteractionDeps): Router {
  const router = new Router({ prefix: '/interaction' });
  const guard = formGuard(deps);
  router.use(securityHeaders, pageErrors(deps));

  router.get('/:uid', async (ctx) => {
    const interaction = await loadInteraction(ctx, deps.provider);
    switch (interaction.prompt.name) {
      case 'login':
        return renderLogin(ctx, deps, interaction);
      case 'consent':
        return renderConsent(ctx, deps, interaction);
      default:
        throw new HttpError(400, 'This sign-in step is not supported.');
    }
  });
  router.post('/:uid/login', guard, (ctx) => submitLogin(ctx, deps));
  router.post('/:uid/consent', guard, (ctx) => submitConsent(ctx, deps));
  router.post('/:uid/abort', guard, async (ctx) => {
    await loadInteraction(ctx, deps.provider);
    await finishInteraction(ctx, deps.provider, { error: 'access_denied', error_description: 'End-User aborted interaction' });
  });
  return router;
}
