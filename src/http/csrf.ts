// Signed double-submit CSRF tokens (OWASP): a random secret in an httpOnly cookie, and a form
// token that is an HMAC, under a server key, of that secret and of the interaction the page
// belongs to. Over https the cookie is `__Host-` prefixed, so a sibling subdomain cannot plant
// one; and a token taken from one sign-in does not work in another.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';

export interface Csrf {
  /** The token for a form's hidden `csrf` field; sets the cookie when absent. */
  token(ctx: Context): string;
  /** Whether the submitted token belongs to this browser's cookie and this interaction. */
  verify(ctx: Context, submitted: string | undefined): boolean;
}

export const csrfCookie = (ctx: Context) => (ctx.secure ? '__Host-twofold.csrf' : 'twofold.csrf');

/** What a token is bound to besides the browser: the interaction in the URL, if any. */
const scopeOf = (ctx: Context) => String((ctx.params as Record<string, string> | undefined)?.uid ?? '');

export function createCsrf(key: string): Csrf {
  const sign = (secret: string, scope: string) => createHmac('sha256', key).update(`csrf:${scope}:${secret}`).digest('base64url');
  return {
    token(ctx) {
      let secret = ctx.cookies.get(csrfCookie(ctx), { signed: true });
      if (!secret || !/^[A-Za-z0-9_-]{43}$/.test(secret)) {
        secret = randomBytes(32).toString('base64url');
        ctx.cookies.set(csrfCookie(ctx), secret, { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', overwrite: true });
      }
      return sign(secret, scopeOf(ctx));
    },
    verify(ctx, submitted) {
      const secret = ctx.cookies.get(csrfCookie(ctx), { signed: true });
      if (!secret || !submitted) return false;
      const expected = Buffer.from(sign(secret, scopeOf(ctx)));
      const actual = Buffer.from(submitted);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}
