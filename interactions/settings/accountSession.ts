// "My security info" signs in through the provider like any relying party (a built-in,
// first-party client), so a fresh second factor or password is asked for with standard
// OpenID Connect: acr_values + max_age, or prompt=login.
import type { Context } from 'koa';
import type { ClientMetadata } from 'oidc-provider';
import * as oidc from 'openid-client';

export const accountClientId = 'twofold-account';
export const accountPaths = { page: '/account/security', callback: '/account/callback', signIn: '/account/signin', signOut: '/account/signout' };

/** Changes to methods need an authentication this recent. */
export const freshWindow = 10 * 60;

export interface AccountSession {
  sub: string;
  username: string;
  amr: string[];
  authTime: number;
  idToken: string;
}

export type Freshness = 'mfa' | 'password';

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

const sessionCookie = 'twofold.account';
const flowCookie = 'twofold.account.flow';

function read<T>(ctx: Context, name: string): T | undefined {
  const value = ctx.cookies.get(name, { signed: true });
  try {
    return value ? (JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as T) : undefined;
  } catch {
    return undefined;
  }
}

function write(ctx: Context, name: string, value: unknown, maxAge?: number) {
  ctx.cookies.set(name, value === null ? null : Buffer.from(JSON.stringify(value)).toString('base64url'), {
    signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/account', ...(maxAge ? { maxAge } : {}),
  });
}

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
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    discovered ??= oidc
      .discovery(new URL(issuer), accountClientId, undefined, oidc.None(), issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : {})
      .catch((error) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };

  return {
    current(ctx: Context): AccountSession | undefined {
      return read<AccountSession>(ctx, sessionCookie);
    },

    isFresh(session: AccountSession, need: Freshness, now = Math.floor(Date.now() / 1000)): boolean {
      const recent = now - session.authTime <= freshWindow;
      return recent && session.amr.includes(need === 'mfa' ? 'mfa' : 'pwd');
    },

    /** Sends the browser to sign in (again), fresh enough for `need`, then back to `returnTo`. */
    async signIn(ctx: Context, returnTo: string, need?: Freshness) {
      const flow: Flow = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), returnTo };
      write(ctx, flowCookie, flow, 15 * 60 * 1000);
      const freshness: Record<string, string> = need === 'mfa' ? { acr_values: acrMfa, max_age: String(freshWindow) } : need === 'password' ? { prompt: 'login' } : {};
      const url = oidc.buildAuthorizationUrl(await configuration(), {
        redirect_uri: new URL(accountPaths.callback, issuer).href,
        scope: 'openid profile',
        state: flow.state,
        nonce: flow.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
        ...freshness,
      });
      ctx.redirect(url.href);
    },

    /** Completes a sign-in; returns where to go next, or undefined when it failed. */
    async callback(ctx: Context): Promise<string | undefined> {
      const flow = read<Flow>(ctx, flowCookie);
      write(ctx, flowCookie, null);
      if (!flow) return undefined;
      const tokens = await oidc.authorizationCodeGrant(await configuration(), new URL(ctx.originalUrl, issuer), {
        pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce,
      });
      const claims = tokens.claims()!;
      // Profile claims come from userinfo: the ID token carries only the openid scope's.
      const userinfo = await oidc.fetchUserInfo(await configuration(), tokens.access_token, claims.sub);
      const session: AccountSession = {
        sub: claims.sub,
        username: String(userinfo.preferred_username ?? claims.sub),
        amr: (claims.amr as string[] | undefined) ?? [],
        authTime: Number(claims.auth_time),
        idToken: tokens.id_token!,
      };
      write(ctx, sessionCookie, session, 60 * 60 * 1000);
      return flow.returnTo.startsWith('/account/') ? flow.returnTo : accountPaths.page;
    },

    async signOut(ctx: Context) {
      const session = read<AccountSession>(ctx, sessionCookie);
      write(ctx, sessionCookie, null);
      if (!session) return ctx.redirect(accountPaths.page);
      ctx.redirect(oidc.buildEndSessionUrl(await configuration(), {
        id_token_hint: session.idToken, post_logout_redirect_uri: new URL(accountPaths.page, issuer).href,
      }).href);
    },
  };
}

export type AccountSessions = ReturnType<typeof accountSessions>;
