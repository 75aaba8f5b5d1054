// "My security info" signs in through the provider like any relying party (a built-in,
// first-party client), so a fresh second factor or password is asked for with standard
// OpenID Connect: acr_values + max_age, or prompt=login. Its session is held by the server:
// the cookie carries only a random id, and the record ends after 15 minutes, at sign-out, and
// as soon as the provider session it came from ends.
import type { Context } from 'koa';
import type { ClientMetadata } from 'oidc-provider';
import { type BuiltInSessionDeps, builtInSessions } from '../../src/rp/builtInSessions.js';

export const accountClientId = 'twofold-account';
export const accountPaths = { page: '/account/security', callback: '/account/callback', signOut: '/account/signout' };
/** Where a sign-in for a change returns to: the page the person was opening (a GET: the removal
 * or password page) or the security-info page, which then says once that they verified. */
export const verifiedReturn = (path: string = accountPaths.page) => `${path}?verified`;
/** The page a `verifiedReturn` names, or undefined for any other address. */
export const verifiedPage = (returnTo: string) => (returnTo.endsWith('?verified') ? returnTo.slice(0, -'?verified'.length) : undefined);

/** Changes to methods need an authentication this recent. */
export const freshWindow = 10 * 60;

export interface AccountSession {
  sub: string;
  username: string;
  amr: string[];
  authTime: number;
  idToken: string;
}

/** A session as the routes see it: with the provider session it belongs to, the one sign-in a
 * password change keeps when it ends all the others. */
export interface SignedInSession extends AccountSession {
  providerSessionUid: string;
}

export type Freshness = 'mfa' | 'password';

/** How long a security-info session lasts from its sign-in, whatever the browser does. */
export const sessionLifetime = 15 * 60;

export type AccountSessionDeps = BuiltInSessionDeps;

export function accountClientMetadata(issuer: string): ClientMetadata {
  return {
    client_id: accountClientId,
    client_name: 'My security info',
    application_type: 'web',
    redirect_uris: [new URL(accountPaths.callback, issuer).href],
    post_logout_redirect_uris: [new URL(accountPaths.page, issuer).href],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    first_party: true,
  };
}

export function accountSessions(issuer: string, acrMfa: string, deps: AccountSessionDeps) {
  const sessions = builtInSessions({
    issuer, clientId: accountClientId, callbackPath: accountPaths.callback, name: 'account', cookiePath: '/account', lifetime: sessionLifetime,
    mayReturnTo: (path) => path.startsWith('/account/'), home: accountPaths.page,
  }, deps);

  return {
    /** The signed-in person, or undefined: no cookie, no record, expired, or the provider session is gone. */
    async current(ctx: Context): Promise<SignedInSession | undefined> {
      const record = await sessions.current(ctx);
      if (!record) return undefined;
      const { sub, username, amr, authTime, idToken } = record;
      return { sub, username, amr, authTime, idToken, providerSessionUid: record.providerSession.uid };
    },

    isFresh(session: AccountSession, need: Freshness, now = Math.floor(Date.now() / 1000)): boolean {
      const recent = now - session.authTime <= freshWindow;
      // Changes need a whole sign-in of the last 10 minutes, password and second factor: not a
      // re-authentication with one factor, which could be a recovery code from a Downloads folder.
      return recent && session.amr.includes(need === 'password' ? 'pwd' : 'mfa');
    },

    /** Sends the browser to sign in (again), fresh enough for `need`, then back to `returnTo`. */
    signIn(ctx: Context, returnTo: string, need?: Freshness, purpose?: string) {
      const freshness: Record<string, string> = need === 'mfa' ? { acr_values: acrMfa, prompt: 'login' } : need === 'password' ? { prompt: 'login' } : {};
      // The sign-in pages say why they ask again ("To add a method, verify it's you").
      if (need && purpose) freshness.twofold_purpose = purpose;
      return sessions.signIn(ctx, returnTo, freshness);
    },

    /** Completes a sign-in; returns where to go next, or undefined when none was under way. */
    callback: (ctx: Context) => sessions.callback(ctx),

    async forget(ctx: Context) {
      await sessions.end(ctx);
    },

    /** Ends this session here and now, then sends the browser to end the provider's too. */
    async signOut(ctx: Context) {
      const idToken = await sessions.end(ctx);
      // Lands on "You have signed out" (not on a sign-in form for this page); without an ID token,
      // Twofold's own sign-out asks first.
      ctx.redirect(idToken ? await sessions.rp.endSessionUrl(idToken) : '/session/end');
    },
  };
}

export type AccountSessions = ReturnType<typeof accountSessions>;
