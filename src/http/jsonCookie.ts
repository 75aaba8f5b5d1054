// Small JSON values in signed, httpOnly cookies (the app's keys sign them).
import type { Context } from 'koa';

export function readJsonCookie<T>(ctx: Context, name: string): T | undefined {
  const value = ctx.cookies.get(name, { signed: true });
  if (!value) return undefined;
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Writes the value, or clears the cookie when it is null. */
export function writeJsonCookie(ctx: Context, name: string, value: unknown, { path, maxAge }: { path: string; maxAge?: number }) {
  ctx.cookies.set(name, value === null ? null : Buffer.from(JSON.stringify(value)).toString('base64url'), {
    signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path, ...(maxAge ? { maxAge } : {}),
  });
}
