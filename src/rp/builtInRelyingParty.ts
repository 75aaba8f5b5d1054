// A relying party that lives inside Twofold (the demo app, "My security info") and signs in
// through the provider over HTTP with openid-client, exactly as an outside application would:
// code flow, PKCE, state and nonce kept in a signed cookie for the round trip.
import type { Context } from 'koa';
import * as oidc from 'openid-client';
import { readJsonCookie, writeJsonCookie } from '../http/jsonCookie.js';

export interface BuiltInRelyingPartyOptions {
  issuer: string;
  clientId: string;
  /** Where the provider sends the browser back, e.g. /demo/callback. */
  callbackPath: string;
  /** The path the app's cookies are scoped to. */
  cookiePath: string;
  /** The cookie that carries one sign-in's state, verifier and nonce. */
  flowCookie: string;
}

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  returnTo?: string;
}

export interface CompletedSignIn {
  claims: oidc.IDToken;
  userinfo: oidc.UserInfoResponse;
  idToken: string;
  returnTo?: string;
}

export function builtInRelyingParty({ issuer, clientId, callbackPath, cookiePath, flowCookie }: BuiltInRelyingPartyOptions) {
  const redirectUri = new URL(callbackPath, issuer).href;
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    discovered ??= oidc
      .discovery(new URL(issuer), clientId, undefined, oidc.None(), issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : {})
      .catch((error) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };

  return {
    redirectUri,

    /** Sends the browser to the provider with these extra parameters. */
    async begin(ctx: Context, params: Record<string, string>, returnTo?: string) {
      const flow: Flow = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), returnTo };
      writeJsonCookie(ctx, flowCookie, flow, { path: cookiePath, maxAge: 15 * 60 * 1000 });
      const url = oidc.buildAuthorizationUrl(await configuration(), {
        redirect_uri: redirectUri,
        state: flow.state,
        nonce: flow.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
        ...params,
      });
      ctx.redirect(url.href);
    },

    /** Finishes the round trip: undefined when this browser has no sign-in under way.
     * Throws openid-client's errors (an `access_denied` from the provider among them). */
    async complete(ctx: Context): Promise<CompletedSignIn | undefined> {
      const flow = readJsonCookie<Flow>(ctx, flowCookie);
      writeJsonCookie(ctx, flowCookie, null, { path: cookiePath });
      if (!flow) return undefined;
      const config = await configuration();
      const tokens = await oidc.authorizationCodeGrant(config, new URL(ctx.originalUrl, issuer), {
        pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce,
      });
      const claims = tokens.claims()!;
      // Profile claims come from userinfo: the ID token carries only the openid scope's.
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      return { claims, userinfo, idToken: tokens.id_token!, returnTo: flow.returnTo };
    },

    /** Without a postLogoutPath the person lands on Twofold's "You have signed out" page. */
    async endSessionUrl(idToken: string, postLogoutPath?: string): Promise<string> {
      const back: Record<string, string> = postLogoutPath ? { post_logout_redirect_uri: new URL(postLogoutPath, issuer).href } : {};
      return oidc.buildEndSessionUrl(await configuration(), { id_token_hint: idToken, ...back }).href;
    },
  };
}
