// Twofold's page for an address nothing answers (instead of a bare "Not Found"). It runs inside
// oidc-provider's app, after its routes, so every path they and Twofold's routes leave
// unanswered gets it; clients that do not ask for HTML keep a plain 404.
import type { Context, Next } from 'koa';
import type { Views } from './views.js';

export function notFoundPage(views: Views) {
  return async (ctx: Context, next: Next) => {
    await next();
    if (ctx.status !== 404 || ctx.body != null || !ctx.accepts('html')) return;
    ctx.status = 404;
    ctx.type = 'html';
    ctx.body = views.render('not-found.njk', {});
  };
}
