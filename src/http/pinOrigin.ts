// Every absolute URL the app builds (discovery, redirects, the form that resumes a sign-in)
// comes from the configured issuer, never from what the request says about itself: Host,
// X-Forwarded-Host, X-Forwarded-Proto or an absolute-form request target.
import type Koa from 'koa';
import type { Context, Next } from 'koa';

/** Pins `app`'s idea of its own scheme and host to the issuer's, for every request. Koa builds
 * `ctx.protocol`, `ctx.host`, `ctx.hostname`, `ctx.href`, `ctx.URL` and `ctx.secure` from these
 * two getters, and oidc-provider builds every URL it sends from `ctx.href`. */
export function pinOrigin(app: Koa, issuer: string): void {
  const { protocol, host } = new URL(issuer);
  const scheme = protocol.slice(0, -1);
  // Defined on this app's own request prototype: other Koa apps in the process are untouched.
  Object.defineProperties(app.request, {
    protocol: { configurable: true, get: () => scheme },
    host: { configurable: true, get: () => host },
  });
}

/** `GET http://evil.example/path HTTP/1.1` is valid HTTP, and Koa would take its authority for
 * `ctx.href`: keep only the path and query before anything reads the request. Run it first. */
export async function originFormTarget(ctx: Context, next: Next) {
  const target = ctx.req.url ?? '/';
  if (!target.startsWith('/')) {
    let path = '/';
    try {
      const url = new URL(target);
      path = `${url.pathname}${url.search}`;
    } catch {
      // Neither a path nor a URL (`*`, say): serve the root's answer, a 404 for most methods.
    }
    ctx.url = path;
    ctx.originalUrl = ctx.request.originalUrl = path;
  }
  await next();
}
