// Times every HTTP request for /metrics, labelled by the route pattern that served it
// ('/interaction/:uid/mfa'), never the raw path: ids in paths would make a series per sign-in.
import type { Context, Next } from 'koa';
import type { Metrics } from './metrics.js';

// oidc-provider routes on its own router, out of sight of this app's: its default paths.
const protocolRoutes: [RegExp, string][] = [
  [/^\/auth\/[^/]+$/, '/auth/:uid'],
  [/^\/reg\/[^/]+$/, '/reg/:clientId'],
  [/^\/device\/[^/]+$/, '/device/:uid'],
  ...['/auth', '/token', '/token/introspection', '/token/revocation', '/me', '/jwks', '/session/end', '/session/end/confirm', '/session/end/success',
    '/request', '/reg', '/device', '/device/auth', '/backchannel', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']
    .map((path): [RegExp, string] => [new RegExp(`^${path.replace(/[.]/g, '\\.')}$`), path]),
];

/** The pattern a request matched: a router's, oidc-provider's, the static files', or 'unmatched'. */
export function routeOf(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: string | RegExp })._matchedRoute;
  if (typeof matched === 'string') return matched;
  if (ctx.path.startsWith('/public/')) return '/public/*';
  for (const [pattern, route] of protocolRoutes) if (pattern.test(ctx.path)) return route;
  if (['/', '/healthz', '/readyz', '/metrics'].includes(ctx.path)) return ctx.path;
  return 'unmatched';
}

const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function httpMetrics(metrics: Metrics) {
  return async (ctx: Context, next: Next) => {
    const started = process.hrtime.bigint();
    const observe = (status: number) => metrics.http(routeOf(ctx), methods.has(ctx.method) ? ctx.method : 'OTHER', status, Number(process.hrtime.bigint() - started) / 1e9);
    try {
      await next();
    } catch (error) {
      // Koa's error handler answers after this: with the error's status, or 500.
      const status = (error as { status?: unknown }).status;
      observe(typeof status === 'number' && status >= 400 && status < 600 ? status : 500);
      throw error;
    }
    // A response oidc-provider wrote itself (ctx.respond = false) has its status on ctx.res.
    observe(ctx.respond === false ? ctx.res.statusCode : ctx.status);
  };
}
