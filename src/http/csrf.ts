// Signed double-submit CSRF tokens (OWASP): a random secret in an httpOnly cookie, and a
// form token that is an HMAC of it under a server key, so a planted cookie cannot be paired
// with a token the attacker computed.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';

export interface Csrf {
  /** The token to put in a form's hidden `csrf` field; sets the cookie when absent. */
  token(ctx: Context): string;
  /** Whether the submitted token belongs to this browser's cookie. */
  verify(ctx: Context, submitted: string | undefined): boolean;
}

export const csrfCookie = 'twofold.csrf';

export function createCsrf(key: string): Csrf {
  const sign = (secret: string) => createHmac('sha256', key).update(`csrf:${secret}`).digest('base64url');
  const cookieOptions = (ctx: Context) => ({ httpOnly: true, sameSite: 'lax' as const, secure: ctx.secure, path: '/', overwrite: true });
  return {
    token(ctx) {
      let secret = ctx.cookies.get(csrfCookie);
      if (!secret || !/^[A-Za-z0-9_-]{43}$/.test(secret)) {
        secret = randomBytes(32).toString('base64url');
        ctx.cookies.set(csrfCookie, secret, cookieOptions(ctx));
      }
      return sign(secret);
    },
    verify(ctx, submitted) {
      const secret = ctx.cookies.get(csrfCookie);
      if (!secret || !submitted) return false;
      const expected = Buffer.from(sign(secret));
      const actual = Buffer.from(submitted);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}
