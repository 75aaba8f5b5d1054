// "My security info" signs in through the provider like any relying party (a built-in,
// first-party client), so a fresh second factor or password is asked for with standard
// OpenID Connect: acr_values + max_age, or prompt=login.
import type { Context } from 'koa';
import type { ClientMetadata } from 'oidc-provider';
import { readJsonCookie, writeJsonCookie } from '../../src/http/jsonCookie.js';
import { builtInRelyingParty } from '../../src/rp/builtInRelyingParty.js';

export const accountClientId = 'twofold-account';
export const accountPaths = { page: '/account/security', callback: '/account/callback', signOut: '/account/signout' };

/** Changes to methods need an authentication this recent. */
export const freshWindow = 10 * 60;

export interface AccountSession {
  sub: string;
  username: string;
  amr: string[];
  /** The acr of the sign-in: a re-authentication with the second factor alone keeps the
   * multi-factor level while its amr names only that factor. */
  acr?: string;
  authTime: number;
  idToken: string;
}

export type Freshness = 'mfa' | 'password';

const sessionCookie = 'twofold.account';
const cookiePath = '/account';

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

export function accountSessions(issuer: string, acrMfa: string) {
  const rp = builtInRelyingParty({ issuer, clientId: accountClientId, callbackPath: accountPaths.callback, cookiePath, flowCookie: 'twofold.account.flow' });

  return {
    current(ctx: Context): AccountSession | undefined {
      return readJsonCookie<AccountSession>(ctx, sessionCookie);
    },

    isFresh(session: AccountSession, need: Freshness, now = Math.floor(Date.now() / 1000)): boolean {
      const recent = now - session.authTime <= freshWindow;
      if (need === 'password') return recent && session.amr.includes('pwd');
      return recent && (session.amr.includes('mfa') || session.acr === acrMfa);
    },

    /** Sends the browser to sign in (again), fresh enough for `need`, then back to `returnTo`. */
    signIn(ctx: Context, returnTo: string, need?: Freshness) {
      const freshness: Record<string, string> = need === 'mfa' ? { acr_values: acrMfa, max_age: String(freshWindow) } : need === 'password' ? { prompt: 'login' } : {};
      return rp.begin(ctx, { scope: 'openid profile', ...freshness }, returnTo);
    },

    /** Completes a sign-in; returns where to go next, or undefined when none was under way. */
    async callback(ctx: Context): Promise<string | undefined> {
      const signedIn = await rp.complete(ctx);
      if (!signedIn) return undefined;
      const session: AccountSession = {
        sub: signedIn.claims.sub,
        username: String(signedIn.userinfo.preferred_username ?? signedIn.claims.sub),
        amr: (signedIn.claims.amr as string[] | undefined) ?? [],
        acr: signedIn.claims.acr as string | undefined,
        authTime: Number(signedIn.claims.auth_time),
        idToken: signedIn.idToken,
      };
      // Short: this page's own session, not the provider's, so a sign-out elsewhere ends it soon.
      writeJsonCookie(ctx, sessionCookie, session, { path: cookiePath, maxAge: 15 * 60 * 1000 });
      // Only back into the security-info pages: never an address taken from elsewhere.
      return signedIn.returnTo?.startsWith('/account/') ? signedIn.returnTo : accountPaths.page;
    },

    forget(ctx: Context) {
      writeJsonCookie(ctx, sessionCookie, null, { path: cookiePath });
    },

    async signOut(ctx: Context) {
      const session = readJsonCookie<AccountSession>(ctx, sessionCookie);
      writeJsonCookie(ctx, sessionCookie, null, { path: cookiePath });
      ctx.redirect(session ? await rp.endSessionUrl(session.idToken, accountPaths.page) : accountPaths.page);
    },
  };
}

export type AccountSessions = ReturnType<typeof accountSessions>;
