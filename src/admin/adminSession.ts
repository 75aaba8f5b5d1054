// The admin console signs in through the provider like any relying party (a built-in,
// first-party client, `twofold-admin`), so the sign-in policy decides its second factor (the
// shipped policy requires one). Its session is held by the server: the cookie carries only a
// random id, and the record ends after 30 minutes, at sign-out, and when the provider session
// it came from ends.
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { ClientMetadata } from 'oidc-provider';
import type Provider from 'oidc-provider';
import { readJsonCookie, writeJsonCookie } from '../http/jsonCookie.js';
import { builtInRelyingParty } from '../rp/builtInRelyingParty.js';
import type { ChallengeStore } from '../store/types.js';

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

interface SessionRecord extends AdminSession {
  idToken: string;
  providerSession: { uid: string; sid: string };
  expiresAt: number;
}

/** How long a console session lasts from its sign-in, whatever the browser does. */
export const adminSessionLifetime = 30 * 60;

const sessionCookie = 'twofold.admin';
const cookiePath = '/admin';
const recordKey = (id: string) => `admin-session:${createHash('sha256').update(id).digest('base64url')}`;

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

export interface AdminSessionDeps {
  challenges: ChallengeStore;
  providerSessions: Pick<Provider['Session'], 'get' | 'findByUid'>;
  now: () => number;
}

export function adminSessions(issuer: string, { challenges, providerSessions, now }: AdminSessionDeps) {
  const rp = builtInRelyingParty({ issuer, clientId: adminClientId, callbackPath: adminPaths.callback, cookiePath, flowCookie: 'twofold.admin.flow' });
  const cookieId = (ctx: Context) => readJsonCookie<{ id?: unknown }>(ctx, sessionCookie)?.id;
  const clearCookie = (ctx: Context) => writeJsonCookie(ctx, sessionCookie, null, { path: cookiePath });
  const providerSessionLives = async ({ sub, providerSession }: SessionRecord) => {
    const session = await providerSessions.findByUid(providerSession.uid);
    return session !== undefined && session.accountId === sub && session.authorizations?.[adminClientId]?.sid === providerSession.sid;
  };

  return {
    async current(ctx: Context): Promise<AdminSession | undefined> {
      const id = cookieId(ctx);
      if (typeof id !== 'string') return undefined;
      const stored = await challenges.get(recordKey(id));
      const record = stored?.data as SessionRecord | undefined;
      if (!record || record.expiresAt <= now() || !(await providerSessionLives(record))) {
        if (stored) await challenges.delete(recordKey(id));
        clearCookie(ctx);
        return undefined;
      }
      const { sub, username, amr, acr, authTime } = record;
      return { sub, username, amr, acr, authTime };
    },

    /** Sends the browser to sign in, asking for `acr` (with a new authentication) when given. */
    signIn(ctx: Context, returnTo: string, acr?: string) {
      const stepUp: Record<string, string> = acr ? { acr_values: acr, prompt: 'login' } : {};
      return rp.begin(ctx, { scope: 'openid profile', claims: JSON.stringify({ id_token: { sid: null } }), ...stepUp }, returnTo);
    },

    /** Completes a sign-in; returns where to go next, or undefined when none was under way. */
    async callback(ctx: Context): Promise<string | undefined> {
      const signedIn = await rp.complete(ctx);
      if (!signedIn) return undefined;
      const sub = signedIn.claims.sub;
      const providerSession = await providerSessions.get(ctx);
      const sid = signedIn.claims.sid;
      if (typeof sid !== 'string' || providerSession.accountId !== sub || providerSession.sidFor(adminClientId) !== sid) {
        throw new Error("the sign-in does not belong to this browser's provider session");
      }
      const previous = cookieId(ctx);
      if (typeof previous === 'string') await challenges.delete(recordKey(previous));
      const record: SessionRecord = {
        sub,
        username: String(signedIn.userinfo.preferred_username ?? sub),
        amr: (signedIn.claims.amr as string[] | undefined) ?? [],
        acr: typeof signedIn.claims.acr === 'string' ? signedIn.claims.acr : undefined,
        authTime: Number(signedIn.claims.auth_time),
        idToken: signedIn.idToken,
        providerSession: { uid: providerSession.uid, sid },
        expiresAt: now() + adminSessionLifetime * 1000,
      };
      const id = randomBytes(32).toString('base64url');
      await challenges.put(recordKey(id), sub, record as unknown as Record<string, unknown>, adminSessionLifetime);
      writeJsonCookie(ctx, sessionCookie, { id }, { path: cookiePath, maxAge: adminSessionLifetime * 1000 });
      // Only back into the console: never an address taken from elsewhere.
      return signedIn.returnTo?.startsWith('/admin') && !signedIn.returnTo.startsWith('//') ? signedIn.returnTo : adminPaths.home;
    },

    async signOut(ctx: Context) {
      const id = cookieId(ctx);
      const taken = typeof id === 'string' ? await challenges.take(recordKey(id)) : undefined;
      clearCookie(ctx);
      const idToken = (taken?.data as SessionRecord | undefined)?.idToken;
      ctx.redirect(idToken ? await rp.endSessionUrl(idToken, adminPaths.home) : adminPaths.home);
    },
  };
}

export type AdminSessions = ReturnType<typeof adminSessions>;
