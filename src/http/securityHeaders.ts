// Security headers, set once for the whole app (and by the plugin's pages for a host that sets
// none): no framing, no sniffing, no referrer (interaction URLs carry ids), a CSP that allows
// only same-origin scripts and styles, and no caching of pages. Helmet (koa-helmet) writes them.
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
});

export async function securityHeaders(ctx: Context, next: Next) {
  await headers(ctx, async () => {
    await next();
    if (ctx.response.is('html')) ctx.set('Cache-Control', 'no-store');
  });
}
