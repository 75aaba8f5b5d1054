// Who may use the console: a signed-in member of the configured admin group, signed in with a
// second factor (phishing-resistant when they have a passkey). The policy asks for the second
// factor first; this is the console's own check, so a policy edit cannot open it with a password.
import type { Context, Next } from 'koa';
import type { Audit } from '../audit/audit.js';
import type { Views } from '../http/views.js';
import type { AcrLevels } from '../provider/acr.js';
import type { Account, Store } from '../store/types.js';
import { type AdminSession, type AdminSessions, adminPaths } from './adminSession.js';

export interface AdminState {
  session: AdminSession;
  account: Account;
  /** The audit log's name for this administrator. */
  actor: string;
}

export const isAdmin = (account: Account, adminGroup: string) =>
  !account.disabled && account.groups.some((group) => group.toLowerCase() === adminGroup.toLowerCase());

export interface AdminAccessDeps {
  store: Store;
  sessions: AdminSessions;
  views: Views;
  audit: Audit;
  acr: AcrLevels;
  adminGroup: string;
  csrf: { token(ctx: Context): string };
}

export function requireAdmin({ store, sessions, views, audit, acr, adminGroup, csrf }: AdminAccessDeps) {
  return async (ctx: Context, next: Next) => {
    const session = await sessions.current(ctx);
    const returnTo = ctx.method === 'GET' ? ctx.originalUrl : adminPaths.home;
    if (!session) return sessions.signIn(ctx, returnTo);
    const account = await store.accounts.findById(session.sub);
    if (!account || !isAdmin(account, adminGroup)) {
      await audit.record({ type: 'admin.denied', result: 'fail', accountId: session.sub, username: session.username, reason: `not a member of '${adminGroup}'`, ip: ctx.ip });
      ctx.status = 403;
      ctx.type = 'html';
      ctx.body = views.render('admin/forbidden.njk', { csrf: csrf.token(ctx), username: session.username });
      return;
    }
    const multiFactor = session.amr.includes('mfa') || session.acr === acr.mfa || session.acr === acr.phishingResistant;
    if (!multiFactor) return sessions.signIn(ctx, returnTo, acr.mfa);
    // An administrator with a passkey uses it: a phished code would not open the console.
    if (session.acr !== acr.phishingResistant && (await store.credentials.list(account.id)).some((credential) => credential.method === 'webauthn')) {
      return sessions.signIn(ctx, returnTo, acr.phishingResistant);
    }
    ctx.state.admin = { session, account, actor: `admin:${account.username}` } satisfies AdminState;
    return next();
  };
}
