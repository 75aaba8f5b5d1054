// Headers for Twofold's own pages: no framing, no sniffing, no referrer (interaction URLs
// carry ids), no caching, and a CSP that allows only same-origin scripts and styles.
import type { Context, Next } from 'koa';

const csp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

export async function securityHeaders(ctx: Context, next: Next) {
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('X-Frame-Options', 'DENY');
  await next();
  if (ctx.response.is('html')) {
    ctx.set('Content-Security-Policy', csp);
    ctx.set('Cache-Control', 'no-store');
  }
}
