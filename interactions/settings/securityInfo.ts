// "My security info": the signed-in person's methods, password, recovery codes and remembered
// devices. Every change to how they sign in (add, remove, make default, new recovery codes, a
// new password) needs a second factor from the last 10 minutes (or, before the first method, a
// password from the last 10 minutes); anything less sends them to verify first. Every change is
// a POST behind CSRF.
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Audit } from '../../src/audit/audit.js';
import type { FactorRegistry } from '../../src/factors/registry.js';
import type { FraudReports } from '../../src/fraud/fraudReports.js';
import type { Factor, FactorAccount } from '../../src/factors/types.js';
import type { Csrf } from '../../src/http/csrf.js';
import { HttpError } from '../../src/http/form.js';
import { securityHeaders } from '../../src/http/securityHeaders.js';
import type { Views } from '../../src/http/views.js';
import type { Logger } from '../../src/log.js';
import { pendingSetups } from '../../src/mfa/signInState.js';
import { answer, type AnswerContext } from '../../src/mfa/verification.js';
import { appPasswordsView } from './appPasswords.js';
import type { Regulator } from '../../src/regulation/regulator.js';
import type { Account, Credential, Store } from '../../src/store/types.js';
import { formGuard, pageErrors } from '../guards.js';
import { answerMessage } from '../messages.js';
import { type AccountSession, type AccountSessions, accountClientId, accountPaths, verifiedPage, verifiedReturn } from './accountSession.js';
import { methodChangeNotices, methodChangeRoutes } from './methodChanges.js';
import type { PolicySource } from '../../src/policy/source.js';
import { renamable, renameDevice } from './renameDevice.js';
import { recentActivity } from '../../src/notifications/securityActivity.js';
import { setupSendGate } from '../setupSends.js';
import { redirectWithNotice, takeFlash } from './flash.js';
import { removeMethodRoutes } from './removeMethod.js';
import { changePasswordRoutes } from './changePassword.js';
import { deviceNotices, deviceRoutes, deviceRows } from './devices.js';

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
  /** Fraud reports: a denial while adding a phone is reported, and a blocked account adds nothing. */
  fraud?: FraudReports;
  policies?: PolicySource;
}

const notices: Record<string, string> = {
  added: 'Your new method is set up.',
  default: 'Your default method has changed.',
  ...deviceNotices,
  verified: "You've verified it's you: you can change your methods for the next 10 minutes.",
  ...methodChangeNotices,
  'device-renamed': 'The device has its new name.',
};

const day = (ms: number) => new Date(ms).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
export const setupKeyFor = (sub: string) => `settings:${sub}`;
const paths = {
  add: `${accountPaths.page}/add`,
  addBegin: `${accountPaths.page}/add/begin`,
  recovery: `${accountPaths.page}/recovery-codes`,
};

/** What the step-up page says it is for (interactions/purpose.ts), from the change asked for. */
const stepUpPurpose = (path: string) => {
  if (path.startsWith(`${accountPaths.page}/add`)) return 'add-method';
  if (path === `${accountPaths.page}/recovery-codes`) return 'recovery-codes';
  if (path.startsWith(`${accountPaths.page}/app-passwords`)) return 'app-passwords';
  return 'change-methods';
};

/** The guards every security-info route uses; other settings sections (app passwords) reuse them. */
export function accountGuards({ store, sessions, factors }: Pick<SettingsDeps, 'store' | 'sessions' | 'factors'>) {
  const person = (ctx: Context) => ctx.state.account as AccountSession;
  const ownMethods = (credentials: Credential[]) => credentials.filter((credential) => !factors.get(credential.method)?.standby);
  /** The signed-in person, or a trip to sign in first. An account disabled since is signed out. */
  const signedIn = async (ctx: Context, next: Next) => {
    const session = await sessions.current(ctx);
    const account = session && (await store.accounts.findById(session.sub));
    if (session && (!account || account.disabled)) await sessions.forget(ctx);
    if (!session || !account || account.disabled) return sessions.signIn(ctx, ctx.method === 'GET' ? ctx.originalUrl : accountPaths.page);
    ctx.state.account = session;
    // The account itself too, for the pages that need its username and groups (password, devices).
    ctx.state.accountRecord = account;
    return next();
  };
  /** Any change to how the person signs in needs a recent second factor, or a recent password
   * before the first method. After verifying, they come back to the page and choose again. */
  const fresh = async (ctx: Context, next: Next) => {
    const session = person(ctx);
    const need = ownMethods(await store.credentials.list(session.sub)).length ? 'mfa' : 'password';
    // A page (removal, password) is opened again after verifying; a change goes back to the page.
    const purpose = stepUpPurpose(ctx.path);
    if (!sessions.isFresh(session, need)) return sessions.signIn(ctx, verifiedReturn(ctx.method === 'GET' ? ctx.path : accountPaths.page), need, purpose);
    return next();
  };
  return { person, signedIn, fresh };
}

export function settingsRoutes(deps: SettingsDeps): Router {
  const { store, sessions, factors, audit } = deps;
  const setups = pendingSetups(store.challenges);
  const router = new Router();
  const guard = formGuard(deps);
  router.use(securityHeaders, pageErrors(deps));

  const { person, signedIn, fresh } = accountGuards(deps);
  const factorAccount = (ctx: Context): FactorAccount => ({ id: person(ctx).sub, username: person(ctx).username });
  const ownMethods = (credentials: Credential[]) => credentials.filter((credential) => !factors.get(credential.method)?.standby);
  const context = (ctx: Context, type: string): AnswerContext => {
    const session = person(ctx);
    return { type, accountId: session.sub, username: session.username, clientId: accountClientId, ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined };
  };
  const record = (ctx: Context, type: string, method?: string, reason?: string) =>
    audit.record({ ...context(ctx, type), result: 'ok', method, reason });
  /** Back to the page, with a notice shown once: one of `notices` by its key, or words of its own. */
  const back = (ctx: Context, notice: string) => redirectWithNotice(ctx, accountPaths.page, notices[notice] ?? notice);
  const ownCredential = async (ctx: Context) => {
    const credential = (await store.credentials.list(person(ctx).sub)).find((c) => c.id === ctx.params.id);
    if (!credential) throw new HttpError(404, 'That method is not one of yours, or it was already removed.');
    return credential;
  };
  const render = (ctx: Context, template: string, data: Record<string, unknown>) => {
    ctx.type = 'html';
    ctx.body = deps.views.render(template, { csrf: deps.csrf.token(ctx), username: person(ctx).username, ...data });
  };
  const recoveryFactor = () => factors.all().find((factor) => factor.standby);
  /** A new set of standby codes, shown once on the page this request answers. */
  const provisionAndShow = async (ctx: Context, standby: Factor, extra: Record<string, unknown> = {}) => {
    const { view } = (await standby.standby!.provision(factorAccount(ctx)))!;
    await record(ctx, 'method.provision', standby.id, 'new set: any earlier one no longer works');
    render(ctx, 'settings-provisioned.njk', { provisioned: { factor: standby.id, view }, ...extra });
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
    // Back from verifying for a change: say so once, on the page itself, not in its address.
    const verified = verifiedPage(next);
    if (verified) return redirectWithNotice(ctx, verified, notices.verified!);
    ctx.redirect(next);
  });
  router.post(accountPaths.signOut, guard, (ctx) => sessions.signOut(ctx));

  router.get(accountPaths.page, signedIn, async (ctx) => {
    const session = person(ctx);
    const account = ctx.state.accountRecord as Account;
    const [credentials, devices] = await Promise.all([store.credentials.list(session.sub), deviceRows(ctx, deps, account)]);
    const standby = recoveryFactor();
    const codes = standby && credentials.find((credential) => credential.method === standby.id);
    render(ctx, 'settings.njk', {
      notice: takeFlash(ctx),
      methods: ownMethods(credentials).map((credential) => ({
        id: credential.id,
        method: credential.method,
        label: factors.get(credential.method)?.describe(credential) ?? credential.method,
        isDefault: credential.isDefault,
        name: credential.label,
        added: day(credential.createdAt),
        lastUsed: credential.lastUsedAt ? day(credential.lastUsedAt) : undefined,
        renamable: renamable(credential),
      })),
      recovery: standby && {
        id: codes?.id, summary: codes ? standby.standby!.summary(codes) : undefined, issued: codes ? day(codes.createdAt) : undefined,
        canCreate: ownMethods(credentials).length > 0,
      },
      factors: factors.all().filter((factor) => factor.enroll && !factor.standby).map((factor) => ({ id: factor.id, title: factor.title })),
      devices,
      appPasswords: await appPasswordsView(store.appPasswords, session.sub),
      activity: (await recentActivity(store.audit, session.sub, (method) => factors.get(method)?.title ?? method)).map((item) => ({ ...item, when: day(item.at) })),
    });
  });

  router.post(`${accountPaths.page}/methods/:id/default`, guard, signedIn, fresh, async (ctx) => {
    const credential = await ownCredential(ctx);
    if (!(await store.credentials.setDefault(credential.accountId, credential.id))) throw new HttpError(400, 'That method cannot be your default.');
    await record(ctx, 'method.default', credential.method);
    back(ctx, 'default');
  });

  methodChangeRoutes(router, deps, { guard, signedIn, ownCredential, record, back });
  removeMethodRoutes(router, deps, { guard, signedIn, fresh, ownCredential, record, back, render });
  changePasswordRoutes(router, deps, { guard, signedIn, fresh, render, back });
  router.post(`${accountPaths.page}/push-devices/:id/rename`, guard, signedIn, async (ctx) => {
    const credential = await ownCredential(ctx);
    await renameDevice(ctx, { credentials: store.credentials, audit, now: deps.now }, credential, { ...context(ctx, 'method.rename'), result: 'ok', method: credential.method });
    back(ctx, 'device-renamed');
  });

  const renderAdd = (ctx: Context, factor: Factor, view: Record<string, unknown>, error?: string) =>
    render(ctx, 'settings-add.njk', { ...view, factor: factor.id, methodTitle: factor.title, wording: factor.wording, script: factor.script, error });

  router.post(paths.addBegin, guard, signedIn, fresh, async (ctx) => {
    const form = ctx.state.form as Record<string, string>;
    const factor = factors.get(String(form.method));
    if (!factor?.enroll || factor.standby) throw new HttpError(400, 'Choose a method to add.');
    const mayContact = setupSendGate({ regulator: deps.regulator, audit, now: deps.now }, context(ctx, 'method.add'), factor.id);
    const started = await factor.enroll.begin(factorAccount(ctx), form, { mayContact });
    if ('error' in started && factor.enroll.form) {
      // A method that needs details first (a phone number): its form, and what was wrong with them.
      ctx.status = form.step === 'details' ? 400 : 200;
      return render(ctx, 'settings-begin.njk', { factor: factor.id, methodTitle: factor.title, form: factor.enroll.form(), values: form, ...(form.step === 'details' ? { error: started.error, errorField: started.field } : {}) });
    }
    if ('error' in started) throw new HttpError(400, started.error);
    await setups.save(setupKeyFor(person(ctx).sub), person(ctx).sub, { method: factor.id, ...started });
    ctx.status = 303;
    ctx.redirect(paths.add);
  });
  /** Shows the setup under way; starting one takes a POST, so a link elsewhere cannot reset it. */
  router.get(paths.add, signedIn, async (ctx) => {
    const setup = await setups.load(setupKeyFor(person(ctx).sub), person(ctx).sub);
    const factor = setup && factors.get(setup.method);
    if (!setup || !factor) {
      ctx.status = 303;
      return ctx.redirect(accountPaths.page);
    }
    renderAdd(ctx, factor, setup.view);
  });
  router.post(paths.add, guard, signedIn, fresh, async (ctx) => {
    const session = person(ctx);
    const setup = await setups.load(setupKeyFor(session.sub), session.sub);
    const factor = setup && factors.get(setup.method);
    if (!setup || !factor?.enroll) throw new HttpError(400, 'That setup has expired. Start again from your security info.');
    const result = await answer(deps, factor, context(ctx, 'method.add'),
      () => factor.enroll!.finish(factorAccount(ctx), setup.pending, ctx.state.form as Record<string, string>, setups.claimer(setupKeyFor(session.sub))));
    if (result.outcome !== 'ok') {
      ctx.status = result.outcome === 'refused' ? 429 : 401;
      return renderAdd(ctx, factor, setup.view, answerMessage(result, factor, deps.now()));
    }
    // Someone without recovery codes gets them with their method, as during sign-in.
    const standby = recoveryFactor();
    const hasCodes = standby && (await store.credentials.list(session.sub)).some((credential) => credential.method === standby.id);
    if (standby && !hasCodes) return provisionAndShow(ctx, standby, { added: factor.title });
    back(ctx, 'added');
  });

  router.post(paths.recovery, guard, signedIn, fresh, async (ctx) => {
    const standby = recoveryFactor();
    if (!standby) throw new HttpError(404, 'Recovery codes are not offered here.');
    if (!ownMethods(await store.credentials.list(person(ctx).sub)).length) throw new HttpError(400, 'Set up a way to verify it\'s you first: recovery codes stand in for it.');
    await provisionAndShow(ctx, standby);
  });

  deviceRoutes(router, store, { guard, signedIn, person, record, back });
  return router;
}
