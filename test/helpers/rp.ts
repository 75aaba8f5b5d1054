// A relying party built on openid-client, registered in the server's store like any other.
import * as oidc from 'openid-client';
import { registerClient } from '../../src/clients/registerClient.js';
import type { TestServer } from './server.js';
import type { UserAgent } from './userAgent.js';

export interface RelyingParty {
  clientId: string;
  redirectUri: string;
  config: oidc.Configuration;
  /** Starts a sign-in: the URL to send the browser to, and the checks for its return. */
  begin(params?: Record<string, string>): Promise<{ url: string; checks: { pkceCodeVerifier: string; expectedState: string; expectedNonce: string } }>;
  /** Exchanges the code in the URL the browser came back with. */
  finish(callbackUrl: string, checks: { pkceCodeVerifier: string; expectedState: string; expectedNonce: string }): ReturnType<typeof oidc.authorizationCodeGrant>;
}

export async function createRelyingParty(
  server: TestServer,
  { clientId = 'test-app', public: isPublic = false, firstParty = true, name = 'Test App' } = {},
): Promise<RelyingParty> {
  const redirectUri = `https://rp.example.com/${clientId}/callback`;
  const { client } = await registerClient(server.store.clients, {
    clientId, name, public: isPublic, firstParty, redirectUris: [redirectUri], postLogoutRedirectUris: [`https://rp.example.com/${clientId}/signed-out`],
  });
  const auth = client.secret ? oidc.ClientSecretBasic(client.secret) : oidc.None();
  const config = await oidc.discovery(new URL(server.issuer), clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });
  return {
    clientId,
    redirectUri,
    config,
    async begin(params = {}) {
      const checks = { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: oidc.randomState(), expectedNonce: oidc.randomNonce() };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri, scope: 'openid profile email', state: checks.expectedState, nonce: checks.expectedNonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.pkceCodeVerifier), code_challenge_method: 'S256', ...params,
      });
      return { url: url.href, checks };
    },
    finish(callbackUrl, checks) {
      return oidc.authorizationCodeGrant(config, new URL(callbackUrl), checks);
    },
  };
}

/** Signs in with a password through the real pages and returns where the browser was sent back to. */
export async function signInWithPassword(agent: UserAgent, rp: RelyingParty, username: string, password: string, params: Record<string, string> = {}) {
  const { url, checks } = await rp.begin(params);
  const loginPage = await agent.follow(url, rp.redirectUri);
  const page = await agent.submit(loginPage, /\/login$/, { username, password }, rp.redirectUri);
  return { page, checks };
}
