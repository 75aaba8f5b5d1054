// "App passwords" on the security-info page: create one (named; shown once, grouped in fours),
// see each one's name, creation and last use, revoke them one by one. Creating one is a change
// to how the person signs in, so it needs the same fresh verification as adding a method;
// revoking only takes access away and needs none, like forgetting a device.
import Router from '@koa/router';
import type { Context } from 'koa';
import { appPasswordLimit, createAppPassword, groupedAppPassword } from '../../src/accounts/appPasswords.js';
import { HttpError } from '../../src/http/form.js';
import { securityHeaders } from '../../src/http/securityHeaders.js';
import type { AppPasswordStore } from '../../src/store/types.js';
import { formGuard, pageErrors } from '../guards.js';
import { accountClientId, accountPaths } from './accountSession.js';
import { accountGuards, type SettingsDeps } from './securityInfo.js';
import { redirectWithNotice } from './flash.js';

export const appPasswordPaths = {
  create: `${accountPaths.page}/app-passwords`,
  revoke: (id: string) => `${accountPaths.page}/app-passwords/${id}/revoke`,
};

const day = (ms: number) => new Date(ms).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** What the security-info page lists. */
export async function appPasswordsView(store: AppPasswordStore, accountId: string) {
  const records = await store.list(accountId);
  return {
    limit: appPasswordLimit,
    full: records.length >= appPasswordLimit,
    items: records.map((record) => ({ id: record.id, name: record.name, created: day(record.createdAt), lastUsed: record.lastUsedAt ? day(record.lastUsedAt) : undefined })),
  };
}

export function appPasswordRoutes(deps: SettingsDeps): Router {
  const { store, audit } = deps;
  const { person, signedIn, fresh } = accountGuards(deps);
  const router = new Router();
  const guard = formGuard(deps);
  router.use(securityHeaders, pageErrors(deps));
  const record = (ctx: Context, type: string, reason: string) => {
    const session = person(ctx);
    return audit.record({ type, result: 'ok', accountId: session.sub, username: session.username, clientId: accountClientId, ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined, method: 'app_password', reason });
  };

  router.post(appPasswordPaths.create, guard, signedIn, fresh, async (ctx) => {
    const session = person(ctx);
    const created = await createAppPassword(store.appPasswords, session.sub, (ctx.state.form as Record<string, string>).name);
    if (!created.ok) throw new HttpError(400, created.error);
    await record(ctx, 'app_password.create', `'${created.record.name}' (${created.record.id})`);
    // Shown on this response only: never stored, never in a URL.
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = deps.views.render('settings-app-password.njk', { csrf: deps.csrf.token(ctx), username: session.username, name: created.record.name, password: groupedAppPassword(created.password) });
  });

  router.post(`${accountPaths.page}/app-passwords/:id/revoke`, guard, signedIn, async (ctx) => {
    const session = person(ctx);
    const mine = (await store.appPasswords.list(session.sub)).find((candidate) => candidate.id === ctx.params.id);
    if (!mine || !(await store.appPasswords.remove(session.sub, mine.id))) throw new HttpError(404, 'That app password is not one of yours, or it was already revoked.');
    await record(ctx, 'app_password.revoke', `'${mine.name}' (${mine.id})`);
    redirectWithNotice(ctx, accountPaths.page, 'The app password was revoked: apps using it can no longer sign in.');
  });
  return router;
}
