// "My security info" signs in through the provider like any relying party (a built-in,
// first-party client), so a fresh second factor or password is asked for with standard
// OpenID Connect: acr_values + max_age, or prompt=login. Its session is held by the server:
// the cookie carries only a random id, and the record ends after 15 minutes, at sign-out, and
// as soon as the provider session it came from ends.
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { ClientMetadata } from 'oidc-provider';
import type Provider from 'oidc-provider';
import { readJsonCookie, writeJsonCookie } from '../../src/http/jsonCookie.js';
import { builtInRelyingParty } from '../../src/rp/builtInRelyingParty.js';
import type { ChallengeStore } from '../../src/store/types.js';

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

/** What the server keeps: the session, and the provider session it belongs to. */
interface SessionRecord extends AccountSession {
  /** The provider Session's uid (stable for its life) and the `sid` it gave this client. */
  providerSession: { uid: string; sid: string };
  expiresAt: number;
}

export interface AccountSessionDeps {
  /** Holds the records, encrypted, with a time to live. */
  challenges: ChallengeStore;
  /** The provider's sessions: the one a security-info session came from must still be there. */
  providerSessions: Pick<Provider['Session'], 'get' | 'findByUid'>;
  now: () => number;
}

const sessionCookie = 'twofold.account';
const cookiePath = '/account';
// The store sees only a hash of the id the cookie carries.
const recordKey = (id: string) => `account-session:${createHash('sha256').update(id).digest('base64url')}`;

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

export function accountSessions(issuer: string, acrMfa: string, { challenges, providerSessions, now }: AccountSessionDeps) {
  const rp = builtInRelyingParty({ issuer, clientId: accountClientId, callbackPath: accountPaths.callback, cookiePath, flowCookie: 'twofold.account.flow' });
  const cookieId = (ctx: Context) => readJsonCookie<{ id?: unknown }>(ctx, sessionCookie)?.id;
  const clearCookie = (ctx: Context) => writeJsonCookie(ctx, sessionCookie, null, { path: cookiePath });

  /** The provider session is still the one this sign-in came from: same account, and this client still signed in to it. */
  const providerSessionLives = async ({ sub, providerSession }: SessionRecord) => {
    const session = await providerSessions.findByUid(providerSession.uid);
    return session !== undefined && session.accountId === sub && session.authorizations?.[accountClientId]?.sid === providerSession.sid;
  };

  return {
    /** The signed-in person, or undefined: no cookie, no record, expired, or the provider session is gone. */
    async current(ctx: Context): Promise<SignedInSession | undefined> {
      const id = cookieId(ctx);
      if (typeof id !== 'string') return undefined;
      const stored = await challenges.get(recordKey(id));
      const record = stored?.data as SessionRecord | undefined;
      if (!record || record.expiresAt <= now() || !(await providerSessionLives(record))) {
        if (stored) await challenges.delete(recordKey(id));
        clearCookie(ctx);
        return undefined;
      }
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
      // The ID token's `sid` names the provider session this sign-in belongs to (see `current`).
      return rp.begin(ctx, { scope: 'openid profile', claims: JSON.stringify({ id_token: { sid: null } }), ...freshness }, returnTo);
    },

    /** Completes a sign-in; returns where to go next, or undefined when none was under way. */
    async callback(ctx: Context): Promise<string | undefined> {
      const signedIn = await rp.complete(ctx);
      if (!signedIn) return undefined;
      const sub = signedIn.claims.sub;
      // The browser's provider session, which the ID token's sid was issued under.
      const providerSession = await providerSessions.get(ctx);
      const sid = signedIn.claims.sid;
      if (typeof sid !== 'string' || providerSession.accountId !== sub || providerSession.sidFor(accountClientId) !== sid) {
        throw new Error('the sign-in does not belong to this browser\'s provider session');
      }
      // A new sign-in replaces the browser's previous security-info session.
      const previous = cookieId(ctx);
      if (typeof previous === 'string') await challenges.delete(recordKey(previous));
      const record: SessionRecord = {
        sub,
        username: String(signedIn.userinfo.preferred_username ?? sub),
        amr: (signedIn.claims.amr as string[] | undefined) ?? [],
        authTime: Number(signedIn.claims.auth_time),
        idToken: signedIn.idToken,
        providerSession: { uid: providerSession.uid, sid },
        expiresAt: now() + sessionLifetime * 1000,
      };
      const id = randomBytes(32).toString('base64url');
      await challenges.put(recordKey(id), sub, record as unknown as Record<string, unknown>, sessionLifetime);
      writeJsonCookie(ctx, sessionCookie, { id }, { path: cookiePath, maxAge: sessionLifetime * 1000 });
      // Only back into the security-info pages: never an address taken from elsewhere.
      return signedIn.returnTo?.startsWith('/account/') ? signedIn.returnTo : accountPaths.page;
    },

    async forget(ctx: Context) {
      const id = cookieId(ctx);
      if (typeof id === 'string') await challenges.delete(recordKey(id));
      clearCookie(ctx);
    },

    /** Ends this session here and now, then sends the browser to end the provider's too. */
    async signOut(ctx: Context) {
      const id = cookieId(ctx);
      const taken = typeof id === 'string' ? await challenges.take(recordKey(id)) : undefined;
      clearCookie(ctx);
      const idToken = (taken?.data as SessionRecord | undefined)?.idToken;
      // Lands on "You have signed out" (not on a sign-in form for this page); without an ID token,
      // Twofold's own sign-out asks first.
      ctx.redirect(idToken ? await rp.endSessionUrl(idToken) : '/session/end');
    },
  };
}

export type AccountSessions = ReturnType<typeof accountSessions>;
