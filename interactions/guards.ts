// What every page route runs first: the error page for failures, and for forms the body
// parse and the CSRF check, before any controller sees the request.
import type { Context, Next } from 'koa';
import { ClientDisconnected } from '../src/http/clientGone.js';
import { HttpError, readForm } from '../src/http/form.js';
import type { InteractionDeps } from './deps.js';

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
      if (error instanceof ClientDisconnected) {
        // Nobody is left to read a page: note it quietly.
        deps.log.debug('client disconnected', { method: ctx.method, path: ctx.path });
        ctx.status = 400;
        return;
      }
      const expected = error instanceof HttpError;
      if (!expected) deps.log.error('page failed', { path: ctx.path, error: (error as Error).message, stack: (error as Error).stack });
      ctx.status = expected ? error.status : 500;
      ctx.type = 'html';
      ctx.body = deps.views.render('error.njk', expected
        ? { title: 'We could not continue', message: error.message, back: (error as HttpError & { back?: unknown }).back }
        : { title: 'Something went wrong', message: 'Something went wrong on our side. Try again in a moment.' });
    }
  };
}

