// Security headers, set once for the whole app (and by the plugin's pages for a host that sets
// none): no framing, no sniffing, no referrer (interaction URLs carry ids), a CSP that allows
// only same-origin scripts and styles, no caching of pages or of anything about a sign-in, and
// HSTS when the app is reached over https. Helmet (koa-helmet) writes them; they survive an
// error that reaches Koa's own handler, which would otherwise drop every header set before it.
import type { Context, Next } from 'koa';
import helmet from 'koa-helmet';

const headers = helmet({
  contentSecurityPolicy: {
    // Exactly these directives: Helmet's defaults add `form-action 'self'`, which would stop a
    // sign-in from returning to the application through a redirect or oidc-provider's form_post,
    // and `upgrade-insecure-requests`, which would break http in development. oidc-provider adds
    // the hash of its own inline script (form_post) to script-src when it writes one.
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  // An application that signs people in through a popup needs its window back: Cross-Origin-
  // Opener-Policy on Twofold's pages would cut the popup off from it. Framing stays forbidden.
  crossOriginOpenerPolicy: false,
  // Set below, only over https: on a plain-http development issuer it would be ignored at best,
  // and on localhost it would follow the browser to every other local app.
  strictTransportSecurity: false,
});

const hsts = 'max-age=31536000; includeSubDomains';
// What Koa's error handler must put back after it clears the headers of a failed request.
const kept = ['x-request-id', 'content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy', 'cross-origin-resource-policy', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection', 'strict-transport-security'];

/** Paths whose every answer belongs to one person's sign-in or account: never stored by a cache. */
const private_ = /^\/(interaction|account)\//;

export async function securityHeaders(ctx: Context, next: Next) {
  // ctx.protocol is the issuer's scheme in the ready provider (pinOrigin.ts), the host app's in the plugin.
  if (ctx.protocol === 'https') ctx.set('Strict-Transport-Security', hsts);
  // Before the handler runs: oidc-provider answers some of these paths itself, past this middleware.
  if (private_.test(ctx.path)) ctx.set('Cache-Control', 'no-store');
  try {
    await headers(ctx, async () => {
      await next();
      if (ctx.response.is('html')) ctx.set('Cache-Control', 'no-store');
    });
  } catch (error) {
    if (error && typeof error === 'object' && !ctx.headerSent) {
      const carried = Object.fromEntries(kept.filter((name) => ctx.response.get(name)).map((name) => [name, ctx.response.get(name)]));
      const own = (error as { headers?: Record<string, string> }).headers;
      (error as { headers?: Record<string, string> }).headers = { ...carried, 'cache-control': 'no-store', ...own };
    }
    throw error;
  }
}
