// The admin console's pages under /admin: users (search, create, change, methods, unlock,
// unblock, one-time bypass), fraud alerts and the sign-in log. Server-rendered, no script; every
// change is a POST behind CSRF and goes through the same operations as the admin API.
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Csrf } from '../http/csrf.js';
import { HttpError, readForm } from '../http/form.js';
import { securityHeaders } from '../http/securityHeaders.js';
import type { Views } from '../http/views.js';
import type { Logger } from '../log.js';
import type { AcrLevels } from '../provider/acr.js';
import { InvalidInputError } from '../validation.js';
import { type AdminState, requireAdmin } from './adminAccess.js';
import { type AdminDeps, NotFoundError } from './adminDeps.js';
import { type AdminSessions, adminPaths } from './adminSession.js';
import { csrfFailure, formGuard, pageErrors } from '../../interactions/guards.js';
import { perHour, readSignInLog } from './signInLog.js';
import { logQuery, signInResults } from './schemas.js';
import { adminUsers, type UserDetail } from './users.js';
import { hourChart } from './hourChart.js';
import { bypassMinutes } from '../mfa/bypasses.js';
import { describeIssues } from '../validation.js';
import type { PolicySource } from '../policy/source.js';
import { policyOverview, whatIf } from './policies.js';
import { adminApplications } from './applications.js';
import { adminHardwareTokens } from './hardwareTokens.js';
import { normalizeUsername } from '../accounts/validate.js';

export interface ConsoleDeps {
  admin: AdminDeps;
  sessions: AdminSessions;
  views: Views;
  csrf: Csrf;
  log: Logger;
  acr: AcrLevels;
  adminGroup: string;
  policies: PolicySource;
  /** The policy folder (TWOFOLD_POLICIES). */
  policyDir: string;
}

const notices: Record<string, string> = {
  created: 'The user was created.',
  updated: 'The changes were saved.',
  disabled: 'The account is disabled and signed out everywhere.',
  enabled: 'The account is enabled again.',
  'method-removed': 'The method was removed.',
  reregister: 'Every method and remembered device was removed, and the person was signed out everywhere: their next sign-in sets up a method again.',
  unlocked: 'Lockouts were lifted: sign-in attempts start counting afresh.',
  unblocked: 'The block was lifted: their second factor works again.',
  'not-blocked': 'That account was not blocked.',
  bypass: 'One-time bypass issued.',
  'bypass-revoked': 'The bypass was withdrawn.',
};

export const when = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : 'never');

export function consoleRoutes(deps: ConsoleDeps): Router {
  const { admin, sessions, views, csrf } = deps;
  const users = adminUsers(admin);
  const applications = adminApplications(admin);
  const tokens = adminHardwareTokens(admin);
  const router = new Router();
  const guard = formGuard(deps);
  const access = requireAdmin({ store: admin.store, sessions, views, audit: admin.audit, acr: deps.acr, adminGroup: deps.adminGroup, csrf });
  const me = (ctx: Context) => ctx.state.admin as AdminState;
  const render = (ctx: Context, template: string, data: Record<string, unknown>) => {
    ctx.type = 'html';
    ctx.body = views.render(template, { csrf: csrf.token(ctx), adminName: me(ctx)?.account.username, when, ...data });
  };
  // Operations' typed errors become pages: a missing user is a 404, bad input a 400 that says what.
  const operationErrors = async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof NotFoundError) throw new HttpError(404, `Not found: ${error.message}.`);
      if (error instanceof InvalidInputError) throw new HttpError(400, `Nothing was changed: ${error.problems.join('; ')}.`);
      throw error;
    }
  };
  router.use(securityHeaders, pageErrors(deps), operationErrors);

  router.get(adminPaths.callback, async (ctx) => {
    let next: string | undefined;
    try {
      next = await sessions.callback(ctx);
    } catch (error) {
      deps.log.info('admin console sign-in did not complete', { error: (error as Error).message });
      throw new HttpError(400, 'You did not finish signing in to the admin console. Open it again to start over.');
    }
    if (!next) throw new HttpError(400, 'That sign-in took too long or was started in another tab. Open the admin console again.');
    ctx.redirect(next);
  });
  router.post(adminPaths.signOut, guard, (ctx) => sessions.signOut(ctx));

  router.get(adminPaths.home, access, (ctx) => ctx.redirect('/admin/users'));

  router.get('/admin/users', access, async (ctx) => {
    const q = typeof ctx.query.q === 'string' ? ctx.query.q : '';
    render(ctx, 'admin/users.njk', { q, results: await users.search(q), notice: notices[String(ctx.query.notice)] });
  });

  router.post('/admin/users/add', guard, access, async (ctx) => {
    const form = ctx.state.form as Record<string, string>;
    const optional = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
    try {
      const created = await users.create(me(ctx).actor, {
        username: form.username ?? '', password: form.password ?? '', displayName: optional(form.displayName), email: optional(form.email), phone: optional(form.phone),
        groups: (form.groups ?? '').split(',').map((group) => group.trim()).filter(Boolean),
      });
      ctx.status = 303;
      ctx.redirect(`/admin/users/${created.id}?notice=created`);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      ctx.status = 400;
      render(ctx, 'admin/users.njk', { q: '', results: [], error: `The user was not created: ${error.problems.join('; ')}.`, values: { ...form, password: '' } });
    }
  });

  const showUser = async (ctx: Context, extra: Record<string, unknown> = {}) => {
    const user: UserDetail = await users.detail(ctx.params.id!);
    render(ctx, 'admin/user.njk', { user, bypassMinutes, notice: notices[String(ctx.query.notice)], ...extra });
  };
  router.get('/admin/users/:id', access, (ctx) => showUser(ctx));

  /** Runs a change from the user page: back to the page with a notice, or the page again with what was wrong. */
  const change = (path: string, run: (ctx: Context, form: Record<string, string>) => Promise<string>) =>
    router.post(`/admin/users/:id/${path}`, guard, access, async (ctx) => {
      try {
        const notice = await run(ctx, ctx.state.form as Record<string, string>);
        ctx.status = 303;
        ctx.redirect(ctx.state.form.return === 'fraud' ? `/admin/fraud?notice=${notice}` : `/admin/users/${ctx.params.id}?notice=${notice}`);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        ctx.status = 400;
        await showUser(ctx, { error: `Nothing was changed: ${error.problems.join('; ')}.` });
      }
    });
  const text = (value: string | undefined) => (value === undefined ? undefined : value.trim() === '' ? null : value.trim());
  change('profile', async (ctx, form) => {
    await users.update(me(ctx).actor, ctx.params.id!, {
      displayName: text(form.displayName), email: text(form.email), phone: text(form.phone),
      emailVerified: form.emailVerified === 'on', phoneVerified: form.phoneVerified === 'on',
    });
    return 'updated';
  });
  change('groups', async (ctx, form) => {
    await users.update(me(ctx).actor, ctx.params.id!, { groups: (form.groups ?? '').split(',').map((group) => group.trim()).filter(Boolean) });
    return 'updated';
  });
  change('disable', async (ctx) => {
    if (ctx.params.id === me(ctx).account.id) throw new InvalidInputError(['you cannot disable your own account']);
    await users.update(me(ctx).actor, ctx.params.id!, { disabled: true });
    return 'disabled';
  });
  change('enable', async (ctx) => {
    await users.update(me(ctx).actor, ctx.params.id!, { disabled: false });
    return 'enabled';
  });
  change('methods/:credentialId/remove', async (ctx) => {
    await users.removeMethod(me(ctx).actor, ctx.params.id!, ctx.params.credentialId!);
    return 'method-removed';
  });
  change('reregister', async (ctx) => {
    await users.requireReregistration(me(ctx).actor, ctx.params.id!);
    return 'reregister';
  });
  change('unlock', async (ctx) => {
    await users.unlock(me(ctx).actor, ctx.params.id!);
    return 'unlocked';
  });
  change('unblock', async (ctx) => ((await users.unblock(me(ctx).actor, ctx.params.id!)) ? 'unblocked' : 'not-blocked'));
  change('bypass', async (ctx, form) => {
    const minutes = form.minutes?.trim() ? Number(form.minutes) : undefined;
    await users.issueBypass(me(ctx).actor, ctx.params.id!, { minutes });
    return 'bypass';
  });
  change('bypass/revoke', async (ctx) => {
    await users.revokeBypass(me(ctx).actor, ctx.params.id!);
    return 'bypass-revoked';
  });

  router.get('/admin/fraud', access, async (ctx) => {
    const reports = await admin.fraud.list({ limit: 200 });
    const at = admin.now();
    const blocks = new Map<string, { until: number | null } | undefined>();
    for (const accountId of new Set(reports.map((report) => report.accountId))) blocks.set(accountId, await admin.store.fraud.blockOf(accountId, at));
    render(ctx, 'admin/fraud.njk', {
      notice: notices[String(ctx.query.notice)],
      reports: reports.map((report) => ({ ...report, block: blocks.get(report.accountId) })),
    });
  });

  const lines = (value: string | undefined) => (value ?? '').split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  const appNotices: Record<string, string> = { updated: 'The application was saved.', unchanged: 'Nothing changed.' };
  router.get('/admin/applications', access, async (ctx) => {
    render(ctx, 'admin/applications.njk', { applications: await applications.list() });
  });
  router.post('/admin/applications/add', guard, access, async (ctx) => {
    const form = ctx.state.form as Record<string, string>;
    try {
      const { application, secret } = await applications.add(me(ctx).actor, {
        clientId: (form.clientId ?? '').trim(), name: form.name?.trim() || undefined, public: form.public === 'on', firstParty: form.firstParty === 'on',
        legacy: form.legacy === 'on', redirectUris: lines(form.redirectUris),
      });
      render(ctx, 'admin/application.njk', { application, secret, notice: 'The application was added.' });
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      ctx.status = 400;
      render(ctx, 'admin/applications.njk', { applications: await applications.list(), values: form, error: `The application was not added: ${error.problems.join('; ')}.` });
    }
  });
  router.get('/admin/applications/:clientId', access, async (ctx) => {
    render(ctx, 'admin/application.njk', { application: await applications.get(ctx.params.clientId!), notice: appNotices[String(ctx.query.notice)] });
  });
  router.post('/admin/applications/:clientId/update', guard, access, async (ctx) => {
    const form = ctx.state.form as Record<string, string>;
    try {
      const { changes } = await applications.update(me(ctx).actor, ctx.params.clientId!, {
        name: form.name?.trim() || null, redirectUris: lines(form.redirectUris), postLogoutRedirectUris: lines(form.postLogoutRedirectUris),
        firstParty: form.firstParty === 'on', legacy: form.legacy === 'on',
      });
      ctx.status = 303;
      ctx.redirect(`/admin/applications/${encodeURIComponent(ctx.params.clientId!)}?notice=${changes.length ? 'updated' : 'unchanged'}`);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      ctx.status = 400;
      render(ctx, 'admin/application.njk', { application: await applications.get(ctx.params.clientId!), error: `Nothing was changed: ${error.problems.join('; ')}.` });
    }
  });
  router.post('/admin/applications/:clientId/rotate-secret', guard, access, async (ctx) => {
    const secret = await applications.rotateSecret(me(ctx).actor, ctx.params.clientId!);
    render(ctx, 'admin/application.njk', { application: await applications.get(ctx.params.clientId!), secret, notice: 'A new secret was made: the old one no longer works.' });
  });

  const tokenNotices: Record<string, string> = {
    assigned: 'The token was assigned: the person activates it from their security info with its serial and a code.',
    already: 'Nothing changed: the token was already there.', stock: 'The token is back in stock.', removed: 'The token no longer signs its person in and is back in stock.',
  };
  const renderTokens = async (ctx: Context, extra: Record<string, unknown> = {}) =>
    render(ctx, 'admin/tokens.njk', { tokens: await tokens.list(), notice: tokenNotices[String(ctx.query.notice)], ...extra });
  /** Runs a token change: back to the list with a notice, or the list again with what was wrong. */
  // A pasted vendor file may be far larger than an ordinary form.
  const fileGuard = async (ctx: Context, next: Next) => {
    const form = await readForm(ctx, 1024 * 1024);
    if (!csrf.verify(ctx, form.csrf)) throw new HttpError(403, csrfFailure);
    ctx.state.form = form;
    await next();
  };
  const tokenChange = (path: string, run: (ctx: Context, form: Record<string, string>) => Promise<string | undefined>) =>
    router.post(`/admin/tokens/${path}`, path === 'import' ? fileGuard : guard, access, async (ctx) => {
      const form = ctx.state.form as Record<string, string>;
      try {
        const notice = await run(ctx, form);
        if (notice === undefined) return;
        ctx.status = 303;
        ctx.redirect(`/admin/tokens?notice=${notice}`);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        ctx.status = 400;
        await renderTokens(ctx, { error: `Nothing was changed: ${error.problems.join('; ')}.`, values: { ...form, psk: '' } });
      }
    });
  router.get('/admin/tokens', access, (ctx) => renderTokens(ctx));
  tokenChange('import', async (ctx, form) => {
    const format = form.format === 'pskc' ? 'pskc' : 'csv';
    const text = form.file ?? '';
    if (!text.trim()) throw new InvalidInputError(['file: paste the contents of the vendor\'s CSV or PSKC file']);
    const { imported, assigned } = await tokens.import(me(ctx).actor, form.fileName?.trim() || `console.${format}`, text, {
      format, secretFormat: form.secretFormat === 'base32' || form.secretFormat === 'hex' ? form.secretFormat : 'auto',
      type: form.type === 'totp' || form.type === 'hotp' ? form.type : undefined, preSharedKey: form.psk?.trim() || undefined,
    });
    await renderTokens(ctx, { notice: `Imported ${imported} token${imported === 1 ? '' : 's'}: ${assigned} assigned, ${imported - assigned} in stock.` });
    return undefined;
  });
  tokenChange('assign', async (ctx, form) => {
    const account = await admin.store.accounts.findByUsername(normalizeUsername(form.username ?? ''));
    if (!account) throw new InvalidInputError([`username: there is no user '${form.username ?? ''}'`]);
    return tokens.assign(me(ctx).actor, form.serial ?? '', account);
  });
  tokenChange('unassign', async (ctx, form) => (await tokens.unassign(me(ctx).actor, form.serial ?? '')).outcome);

  router.get('/admin/policies', access, async (ctx) => {
    const overview = policyOverview(deps.policyDir, deps.policies, deps.acr);
    const given = Object.fromEntries(Object.entries(ctx.query).filter(([, value]) => typeof value === 'string')) as Record<string, string>;
    let answer: { explanation: string[] } | undefined;
    let error: string | undefined;
    if (Object.keys(given).length) {
      try {
        answer = await whatIf(admin.store, deps.policies, deps.acr, given);
      } catch (failure) {
        if (!(failure instanceof InvalidInputError)) throw failure;
        ctx.status = 400;
        error = `Check the question: ${failure.problems.join('; ')}.`;
      }
    }
    render(ctx, 'admin/policies.njk', { ...overview, values: given, answer, error });
  });

  router.get('/admin/log', access, async (ctx) => {
    // Empty fields in the filter form mean "any".
    const given = Object.fromEntries(Object.entries(ctx.query).filter(([, value]) => typeof value === 'string' && value !== ''));
    const parsed = logQuery.safeParse(given);
    if (!parsed.success) {
      ctx.status = 400;
      return render(ctx, 'admin/log.njk', { filters: given, results: signInResults, entries: [], error: `Check the filters: ${describeIssues(parsed.error).join('; ')}.` });
    }
    const entries = await readSignInLog(admin.store, parsed.data);
    render(ctx, 'admin/log.njk', { filters: given, results: signInResults, entries, chart: hourChart(perHour(entries)) });
  });
  return router;
}
