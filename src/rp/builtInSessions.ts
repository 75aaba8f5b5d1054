// The server-held session of a built-in relying party (security info, the admin console): the
// cookie carries only a random id, the store keeps the record under a hash of it, and the record
// ends at its lifetime, at sign-out, and as soon as the provider session it came from ends.
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { readJsonCookie, writeJsonCookie } from '../http/jsonCookie.js';
import type { ChallengeStore } from '../store/types.js';
import { builtInRelyingParty } from './builtInRelyingParty.js';

export interface BuiltInSession {
  sub: string;
  username: string;
  amr: string[];
  acr?: string;
  authTime: number;
  idToken: string;
  /** The provider Session's uid (stable for its life) and the `sid` it gave this client. */
  providerSession: { uid: string; sid: string };
  expiresAt: number;
}

export interface BuiltInSessionDeps {
  /** Holds the records, encrypted, with a time to live. */
  challenges: ChallengeStore;
  /** The provider's sessions: the one a session came from must still be there. */
  providerSessions: Pick<Provider['Session'], 'get' | 'findByUid'>;
  now: () => number;
}

export interface BuiltInSessionOptions {
  issuer: string;
  clientId: string;
  callbackPath: string;
  /** The cookie's name and path, and the prefix of the store's keys. */
  name: string;
  cookiePath: string;
  /** Seconds a session lasts from its sign-in, whatever the browser does. */
  lifetime: number;
  /** Where a sign-in may return to (never an address taken from elsewhere), and where it goes otherwise. */
  mayReturnTo(path: string): boolean;
  home: string;
}

export function builtInSessions(options: BuiltInSessionOptions, { challenges, providerSessions, now }: BuiltInSessionDeps) {
  const { clientId, name, cookiePath, lifetime } = options;
  const rp = builtInRelyingParty({ issuer: options.issuer, clientId, callbackPath: options.callbackPath, cookiePath, flowCookie: `twofold.${name}.flow` });
  const cookie = `twofold.${name}`;
  const recordKey = (id: string) => `${name}-session:${createHash('sha256').update(id).digest('base64url')}`;
  const cookieId = (ctx: Context) => readJsonCookie<{ id?: unknown }>(ctx, cookie)?.id;
  const clearCookie = (ctx: Context) => writeJsonCookie(ctx, cookie, null, { path: cookiePath });

  /** The provider session is still the one this sign-in came from: same account, and this client still signed in to it. */
  const providerSessionLives = async ({ sub, providerSession }: BuiltInSession) => {
    const session = await providerSessions.findByUid(providerSession.uid);
    return session !== undefined && session.accountId === sub && session.authorizations?.[clientId]?.sid === providerSession.sid;
  };

  return {
    rp,

    /** The signed-in session, or undefined: no cookie, no record, expired, or the provider session is gone. */
    async current(ctx: Context): Promise<BuiltInSession | undefined> {
      const id = cookieId(ctx);
      if (typeof id !== 'string') return undefined;
      const stored = await challenges.get(recordKey(id));
      const record = stored?.data as BuiltInSession | undefined;
      if (!record || record.expiresAt <= now() || !(await providerSessionLives(record))) {
        if (stored) await challenges.delete(recordKey(id));
        clearCookie(ctx);
        return undefined;
      }
      return record;
    },

    /** Sends the browser to sign in; the ID token's `sid` names the provider session it belongs to. */
    signIn(ctx: Context, returnTo: string, params: Record<string, string> = {}) {
      return rp.begin(ctx, { scope: 'openid profile', claims: JSON.stringify({ id_token: { sid: null } }), ...params }, returnTo);
    },

    /** Completes a sign-in; returns where to go next, or undefined when none was under way. */
    async callback(ctx: Context): Promise<string | undefined> {
      const signedIn = await rp.complete(ctx);
      if (!signedIn) return undefined;
      const sub = signedIn.claims.sub;
      // The browser's provider session, which the ID token's sid was issued under.
      const providerSession = await providerSessions.get(ctx);
      const sid = signedIn.claims.sid;
      if (typeof sid !== 'string' || providerSession.accountId !== sub || providerSession.sidFor(clientId) !== sid) {
        throw new Error("the sign-in does not belong to this browser's provider session");
      }
      // A new sign-in replaces the browser's previous session.
      const previous = cookieId(ctx);
      if (typeof previous === 'string') await challenges.delete(recordKey(previous));
      const record: BuiltInSession = {
        sub,
        username: String(signedIn.userinfo.preferred_username ?? sub),
        amr: (signedIn.claims.amr as string[] | undefined) ?? [],
        acr: typeof signedIn.claims.acr === 'string' ? signedIn.claims.acr : undefined,
        authTime: Number(signedIn.claims.auth_time),
        idToken: signedIn.idToken,
        providerSession: { uid: providerSession.uid, sid },
        expiresAt: now() + lifetime * 1000,
      };
      const id = randomBytes(32).toString('base64url');
      await challenges.put(recordKey(id), sub, record as unknown as Record<string, unknown>, lifetime);
      writeJsonCookie(ctx, cookie, { id }, { path: cookiePath, maxAge: lifetime * 1000 });
      return signedIn.returnTo && options.mayReturnTo(signedIn.returnTo) ? signedIn.returnTo : options.home;
    },

    /** Ends this browser's session here; its ID token, for ending the provider's too. */
    async end(ctx: Context): Promise<string | undefined> {
      const id = cookieId(ctx);
      const taken = typeof id === 'string' ? await challenges.take(recordKey(id)) : undefined;
      clearCookie(ctx);
      return (taken?.data as BuiltInSession | undefined)?.idToken;
    },
  };
}
