// One-shot notices for the security-info pages ("Authenticator app (Phone) was removed."): kept
// in a signed cookie between a change's redirect and the page it lands on, shown once, then gone.
// Not in the URL: a `?notice=` came back on every reload, and anyone could link to one.
import type { Context } from 'koa';
import { readJsonCookie, writeJsonCookie } from '../../src/http/jsonCookie.js';

const flashCookie = 'twofold.flash';
const flashPath = '/account';
/** Long enough for the redirect that follows a change; a notice never outlives its moment. */
const flashLifetime = 60_000;

/** Keeps the notice for the next page this browser opens under /account. Signed, so nobody
 * can put words of their own on the page. */
export function setFlash(ctx: Context, notice: string) {
  writeJsonCookie(ctx, flashCookie, { notice }, { path: flashPath, maxAge: flashLifetime });
}

/** The notice waiting for this page, if any, and clears it so a reload does not show it again. */
export function takeFlash(ctx: Context): string | undefined {
  const value = readJsonCookie<{ notice?: unknown }>(ctx, flashCookie);
  if (value === undefined && !ctx.cookies.get(flashCookie)) return undefined;
  writeJsonCookie(ctx, flashCookie, null, { path: flashPath });
  return typeof value?.notice === 'string' ? value.notice : undefined;
}

/** Sends the browser to `path` with a notice for it. */
export function redirectWithNotice(ctx: Context, path: string, notice: string) {
  setFlash(ctx, notice);
  ctx.status = 303;
  ctx.redirect(path);
}
