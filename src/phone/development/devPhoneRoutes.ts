// /dev/phone: the development phone's screen. Every text sent and every call placed, per number,
// newest first, with a keypad for ringing calls; and the same as JSON for tests and scripts.
// Mounted only outside production. The JSON POST needs Content-Type application/json, which a
// cross-site form cannot send; the page's forms carry a CSRF token.
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { z } from 'zod';
import type { Csrf } from '../../http/csrf.js';
import { HttpError, readForm } from '../../http/form.js';
import { securityHeaders } from '../../http/securityHeaders.js';
import type { Views } from '../../http/views.js';
import type { Logger } from '../../log.js';
import type { PhoneCall, PhoneText, Store } from '../../store/types.js';
import { describeIssues } from '../../validation.js';
import type { DevelopmentTelephony, KeypadResult } from './developmentTelephony.js';

export interface DevPhoneDeps {
  telephony: DevelopmentTelephony;
  store: Pick<Store, 'phone'>;
  views: Views;
  csrf: Csrf;
  log: Logger;
}

export const devPhonePath = '/dev/phone';
const shown = 200;
const keysBody = z.object({ keys: z.string().max(32) }).strict();

const textJson = (text: PhoneText) => ({ id: text.id, to: text.to, body: text.body, at: new Date(text.createdAt).toISOString() });
const callJson = (call: PhoneCall) => ({
  id: call.id, to: call.to, extension: call.extension, mode: call.mode, script: call.script, status: call.status, keys: call.keys,
  at: new Date(call.createdAt).toISOString(),
});
const statusCodes: Record<Exclude<KeypadResult, { ok: true }>['reason'], number> = { 'not-found': 404, 'not-ringing': 409, 'invalid-keys': 400 };

async function readJson(ctx: Context): Promise<unknown> {
  if (!ctx.is('application/json')) throw new HttpError(415, 'Send the keys as JSON (Content-Type: application/json), for example {"keys": "#"}.');
  const chunks: Buffer[] = [];
  let size = 0;
  // Without destroyOnReturn the socket survives a 413 and the rest is dropped (resume), so the client reads it.
  for await (const chunk of ctx.req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 4096) {
      ctx.req.resume();
      throw new HttpError(413, 'The request is too large.');
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'The body is not valid JSON.');
  }
}

export function devPhoneRoutes({ telephony, store, views, csrf, log }: DevPhoneDeps): Router {
  const router = new Router({ prefix: devPhonePath });
  const wantsJson = (ctx: Context) => !ctx.path.endsWith('/press') && ctx.path !== devPhonePath;
  router.use(securityHeaders, async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      const expected = error instanceof HttpError;
      if (!expected) log.error('development phone failed', { path: ctx.path, error: (error as Error).message });
      ctx.status = expected ? error.status : 500;
      const message = expected ? error.message : 'Something went wrong on our side.';
      if (wantsJson(ctx)) ctx.body = { error: message };
      else {
        ctx.type = 'html';
        ctx.body = views.render('error.njk', { title: 'The development phone could not do that', message });
      }
    }
  });

  const recent = async (to: string | undefined) => {
    const filter = <T extends { to: string }>(items: T[]) => (to ? items.filter((item) => item.to === to) : items);
    return { texts: filter(await store.phone.listTexts(shown)), calls: filter(await store.phone.listCalls(shown)) };
  };
  const numberFilter = (ctx: Context) => {
    const to = ctx.query.to;
    if (to === undefined) return undefined;
    if (typeof to !== 'string' || !/^\+\d{4,15}$/.test(to)) throw new HttpError(400, "'to' must be a number in E.164 form, such as +12125550142.");
    return to;
  };

  router.get('/', async (ctx) => {
    const { texts, calls } = await recent(undefined);
    const byNumber = new Map<string, { to: string; latest: number; items: Record<string, unknown>[] }>();
    const add = (to: string, at: number, item: Record<string, unknown>) => {
      const entry = byNumber.get(to) ?? { to, latest: 0, items: [] };
      entry.latest = Math.max(entry.latest, at);
      entry.items.push({ ...item, at, time: new Date(at).toISOString().replace('T', ' ').slice(0, 19) });
      byNumber.set(to, entry);
    };
    texts.forEach((text) => add(text.to, text.createdAt, { kind: 'text', id: text.id, body: text.body }));
    // A call left ringing past its time has stopped ringing: show it as the waiting side sees it.
    for (const call of calls) {
      const outcome = call.status === 'ringing' ? await telephony.callOutcome(call.id) : undefined;
      add(call.to, call.createdAt, { kind: 'call', ...callJson(call), status: outcome?.status ?? call.status });
    }
    const numbers = [...byNumber.values()].sort((a, b) => b.latest - a.latest);
    numbers.forEach((n) => n.items.sort((a, b) => (b.at as number) - (a.at as number)));
    ctx.type = 'html';
    ctx.body = views.render('dev-phone.njk', {
      numbers, csrf: csrf.token(ctx), error: typeof ctx.query.error === 'string' ? ctx.query.error.slice(0, 200) : undefined,
    });
  });

  router.get('/messages', async (ctx) => {
    ctx.body = { messages: (await recent(numberFilter(ctx))).texts.map(textJson) };
  });

  router.get('/calls', async (ctx) => {
    const to = numberFilter(ctx);
    // Report what the waiting side would see: a call that rang out reads as no answer.
    for (const call of (await recent(to)).calls) if (call.status === 'ringing') await telephony.callOutcome(call.id);
    ctx.body = { calls: (await recent(to)).calls.map(callJson) };
  });

  router.post('/calls/:id/keys', async (ctx) => {
    const parsed = keysBody.safeParse(await readJson(ctx));
    if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error).join('; '));
    const result = await telephony.pressKeys(ctx.params.id!, parsed.data.keys);
    if (!result.ok) throw new HttpError(statusCodes[result.reason], result.message);
    ctx.body = { call: callJson(result.call) };
  });

  router.post('/calls/:id/hangup', async (ctx) => {
    const result = await telephony.hangUp(ctx.params.id!);
    if (!result.ok) throw new HttpError(statusCodes[result.reason], result.message);
    ctx.body = { call: callJson(result.call) };
  });

  // The page's keypad: a form per action, each with its CSRF token.
  router.post('/calls/:id/press', async (ctx) => {
    const form = await readForm(ctx);
    if (!csrf.verify(ctx, form.csrf)) throw new HttpError(403, 'This form has expired or did not come from this site. Go back and try again.');
    const result = form.action === 'hangup' ? await telephony.hangUp(ctx.params.id!) : await telephony.pressKeys(ctx.params.id!, form.keys ?? '');
    ctx.status = 303;
    ctx.redirect(result.ok ? devPhonePath : `${devPhonePath}?error=${encodeURIComponent(result.message)}`);
  });
  return router;
}
