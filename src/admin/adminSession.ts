// The admin console signs in through the provider like any relying party (a built-in,
// first-party client, `twofold-admin`), so the sign-in policy decides its second factor (the
// shipped policy requires one). Its session is held by the server: the cookie carries only a
// random id, and the record ends after 30 minutes, at sign-out, and when the provider session
// it came from ends.
import type { Context } from 'koa';
import type { ClientMetadata } from 'oidc-provider';
import { type BuiltInSessionDeps, builtInSessions } from '../rp/builtInSessions.js';

export const adminClientId = 'twofold-admin';
export const adminPaths = { home: '/admin', callback: '/admin/callback', signOut: '/admin/signout' };
/** The scope an access token needs to call the admin API. */
export const adminScope = 'twofold:admin';

export interface AdminSession {
  sub: string;
  username: string;
  amr: string[];
  acr?: string;
  authTime: number;
}

/** How long a console session lasts from its sign-in, whatever the browser does. */
export const adminSessionLifetime = 30 * 60;

export function adminClientMetadata(issuer: string): ClientMetadata {
  return {
    client_id: adminClientId,
    client_name: 'Twofold admin console',
    application_type: 'web',
    redirect_uris: [new URL(adminPaths.callback, issuer).href],
    post_logout_redirect_uris: [new URL(adminPaths.home, issuer).href],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    first_party: true,
  };
}

export type AdminSessionDeps = BuiltInSessionDeps;

export function adminSessions(issuer: string, deps: AdminSessionDeps) {
  const sessions = builtInSessions({
    issuer, clientId: adminClientId, callbackPath: adminPaths.callback, name: 'admin', cookiePath: '/admin', lifetime: adminSessionLifetime,
    // Only back into the console: never an address taken from elsewhere.
    mayReturnTo: (path) => path.startsWith('/admin') && !path.startsWith('//'), home: adminPaths.home,
  }, deps);

  return {
    async current(ctx: Context): Promise<AdminSession | undefined> {
      const record = await sessions.current(ctx);
      if (!record) return undefined;
      const { sub, username, amr, acr, authTime } = record;
      return { sub, username, amr, acr, authTime };
    },

    /** Sends the browser to sign in, asking for `acr` (with a new authentication) when given. */
    signIn(ctx: Context, returnTo: string, acr?: string) {
      return sessions.signIn(ctx, returnTo, acr ? { acr_values: acr, prompt: 'login' } : {});
    },

    /** Completes a sign-in; returns where to go next, or undefined when none was under way. */
    callback: (ctx: Context) => sessions.callback(ctx),

    async signOut(ctx: Context) {
      const idToken = await sessions.end(ctx);
      ctx.redirect(idToken ? await sessions.rp.endSessionUrl(idToken, adminPaths.home) : adminPaths.home);
    },
  };
}

export type AdminSessions = ReturnType<typeof adminSessions>;
