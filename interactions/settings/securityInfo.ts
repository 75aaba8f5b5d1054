// "My security info": the signed-in person's methods and remembered devices. Adding or
// removing a method needs a second factor from the last 10 minutes (or, for a first method,
// a password from the last 10 minutes); anything less sends them to verify first.
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Audit } from '../../src/audit/audit.js';
import type { FactorRegistry } from '../../src/factors/registry.js';
import type { Csrf } from '../../src/http/csrf.js';
import { HttpError } from '../../src/http/form.js';
import { securityHeaders } from '../../src/http/securityHeaders.js';
import type { Views } from '../../src/http/views.js';
import type { Logger } from '../../src/log.js';
import type { Regulator } from '../../src/regulation/regulator.js';
import type { Store } from '../../src/store/types.js';
import { formGuard, pageErrors } from '../guards.js';
import { mfaMessages, refusalMessage, refusalReason } from '../messages.js';
import { type AccountSession, type AccountSessions, accountPaths } from './accountSession.js';

export interface SettingsDeps {
  store: Store;
  views: Views;
  csrf: Csrf;
  log: Logger;
  factors: FactorRegistry;
  regulator: Regulator;
  audit: Audit;
  sessions: AccountSessions;
  now: () => number;
}

const notices: Record<string, string> = {
  added: 'Your new method is set up.',
  removed: 'The method was removed.',
  default: 'Your default method has changed.',
  forgotten: 'That device will be asked for a second factor again.',
  'forgot-all': 'Every device will be asked for a second factor again.',
  verified: "You've verified it's you: you can change your methods for the next 10 minutes.",
};

const day = (ms: number) => new Date(ms).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const pendingKey = (sub: string) => `settings:${sub}`;

export function settingsRoutes(deps: SettingsDeps): Router {
  const { store, sessions, factors, audit } = deps;
  const router = new Router();
  const guard = formGuard(deps);
  router.use(securityHeaders, pageErrors(deps));

  /** The signed-in person, or a trip to sign in first. An account disabled since is signed out. */
  const signedIn = async (ctx: Context, next: Next) => {
    const session = await sessions.current(ctx);
    const account = session && (await store.accounts.findById(session.sub));
    if (session && (!account || account.disabled)) await sessions.forget(ctx);
    if (!session || !account || account.disabled) return sessions.signIn(ctx, ctx.method === 'GET' ? ctx.originalUrl : accountPaths.page);
    ctx.state.account = session;
    return next();
  };
  /** Changing methods needs a recent second factor, or a recent password before the first method. */
  const fresh = (returnTo: string) => async (ctx: Context, next: Next) => {
    const session = ctx.state.account as AccountSession;
    const need = (await store.credentials.list(session.sub)).length ? 'mfa' : 'password';
    if (!sessions.isFresh(session, need)) return sessions.signIn(ctx, returnTo, need);
    return next();
  };
  const fields = (ctx: Context, method?: string) => {
    const session = ctx.state.account as AccountSession;
    return { accountId: session.sub, username: session.username, clientId: 'twofold-account', ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined, method };
  };
  const back = (ctx: Context, notice: string) => {
    ctx.status = 303;
    ctx.redirect(`${accountPaths.page}?notice=${notice}`);
  };
  const ownCredential = async (ctx: Context) => {
    const credential = (await store.credentials.list((ctx.state.account as AccountSession).sub)).find((c) => c.id === ctx.params.id);
    if (!credential) throw new HttpError(404, 'That method is not one of yours, or it was already removed.');
    return credential;
  };

  router.get(accountPaths.callback, async (ctx) => {
    let next: string | undefined;
    try {
      next = await sessions.callback(ctx);
    } catch (error) {
      // An error the provider sent back (access_denied when the person cancels), or a stale or
      // replayed response: nothing changed, and the person can simply start again.
      deps.log.info('security info sign-in did not complete', { error: (error as Error).message });
      throw new HttpError(400, "You did not finish verifying it's you, so nothing was changed. Open your security info again.");
    }
    if (!next) throw new HttpError(400, 'That sign-in took too long or was started in another tab. Open your security info again.');
    ctx.redirect(next);
  });
  router.post(accountPaths.signOut, guard, (ctx) => sessions.signOut(ctx));

  router.get(accountPaths.page, signedIn, async (ctx) => {
    const session = ctx.state.account as AccountSession;
    const [credentials, devices] = await Promise.all([store.credentials.list(session.sub), store.devices.list(session.sub)]);
    ctx.type = 'html';
    ctx.body = deps.views.render('settings.njk', {
      username: session.username,
      csrf: deps.csrf.token(ctx),
      notice: notices[String(ctx.query.notice)],
      methods: credentials.map((credential) => ({
        id: credential.id,
        label: factors.get(credential.method)?.describe(credential) ?? credential.method,
        isDefault: credential.isDefault,
        added: day(credential.createdAt),
        lastUsed: credential.lastUsedAt ? day(credential.lastUsedAt) : undefined,
      })),
      factors: factors.all().map((factor) => ({ id: factor.id, title: factor.title })),
      devices: devices.map((device) => ({ id: device.id, label: device.label, added: day(device.createdAt), until: day(device.expiresAt) })),
    });
  });

  router.post(`${accountPaths.page}/methods/:id/default`, guard, signedIn, async (ctx) => {
    const credential = await ownCredential(ctx);
    await store.credentials.setDefault(credential.accountId, credential.id);
    await audit.record({ type: 'method.default', result: 'ok', ...fields(ctx, credential.method) });
    back(ctx, 'default');
  });

  router.post(`${accountPaths.page}/methods/:id/remove`, guard, signedIn, fresh(`${accountPaths.page}?notice=verified`), async (ctx) => {
    const credential = await ownCredential(ctx);
    await store.credentials.remove(credential.accountId, credential.id);
    await audit.record({ type: 'method.remove', result: 'ok', ...fields(ctx, credential.method) });
    back(ctx, 'removed');
  });

  const addPath = `${accountPaths.page}/add`;
  const renderAdd = async (ctx: Context, method: string, view: Record<string, unknown>, error?: string) => {
    const factor = factors.get(method)!;
    ctx.type = 'html';
    ctx.body = deps.views.render('settings-add.njk', { ...view, factor: factor.id, methodTitle: factor.title, csrf: deps.csrf.token(ctx), error });
  };
  router.get(addPath, signedIn, async (ctx, next) => fresh(ctx.originalUrl)(ctx, next), async (ctx) => {
    const factor = factors.get(String(ctx.query.method));
    if (!factor) throw new HttpError(400, 'Choose a method to add.');
    const session = ctx.state.account as AccountSession;
    const { view, pending } = await factor.enroll.begin({ id: session.sub, username: session.username });
    await store.challenges.put(pendingKey(session.sub), session.sub, { method: factor.id, pending, view }, 10 * 60);
    await renderAdd(ctx, factor.id, view);
  });
  router.post(addPath, guard, signedIn, fresh(accountPaths.page), async (ctx) => {
    const session = ctx.state.account as AccountSession;
    const saved = await store.challenges.get(pendingKey(session.sub));
    const factor = saved && factors.get(String(saved.data.method));
    if (!saved || !factor) throw new HttpError(400, 'That setup has expired. Start again from your security info.');
    const view = saved.data.view as Record<string, unknown>;
    const attempt = await deps.regulator.begin('mfa', session.sub, ctx.ip);
    if (attempt.refusal) {
      await audit.record({ type: 'method.add', result: 'fail', reason: refusalReason(attempt.refusal), ...fields(ctx, factor.id) });
      ctx.status = 429;
      return renderAdd(ctx, factor.id, view, refusalMessage(attempt.refusal, deps.now()));
    }
    const claim = async () => (await store.challenges.take(pendingKey(session.sub))) !== undefined;
    const result = await factor.enroll.finish({ id: session.sub, username: session.username }, saved.data.pending as Record<string, unknown>, ctx.state.form, claim);
    if (!result.ok) {
      await attempt.failed();
      await audit.record({ type: 'method.add', result: 'fail', reason: result.reason, ...fields(ctx, factor.id) });
      ctx.status = 401;
      return renderAdd(ctx, factor.id, view, mfaMessages.failed);
    }
    await attempt.succeeded();
    await audit.record({ type: 'method.add', result: 'ok', ...fields(ctx, factor.id) });
    back(ctx, 'added');
  });

  router.post(`${accountPaths.page}/devices/:id/forget`, guard, signedIn, async (ctx) => {
    if (!(await store.devices.remove((ctx.state.account as AccountSession).sub, ctx.params.id!))) throw new HttpError(404, 'That device is not one of yours, or it was already forgotten.');
    await audit.record({ type: 'device.forget', result: 'ok', ...fields(ctx) });
    back(ctx, 'forgotten');
  });
  router.post(`${accountPaths.page}/devices/forget-all`, guard, signedIn, async (ctx) => {
    await store.devices.removeAll((ctx.state.account as AccountSession).sub);
    await audit.record({ type: 'device.forget', result: 'ok', reason: 'all devices', ...fields(ctx) });
    back(ctx, 'forgot-all');
  });
  return router;
}
