// A relying party built on openid-client, registered in the server's store like any other.
import * as oidc from 'openid-client';
import type { ClientInput } from '../../src/clients/clientSchema.js';
import { registerClient } from '../../src/clients/registerClient.js';
import type { ClientRecord } from '../../src/store/types.js';
import type { TestServer } from './server.js';
import type { UserAgent } from './userAgent.js';

export interface RelyingParty {
  clientId: string;
  redirectUri: string;
  config: oidc.Configuration;
  /** The registration as stored (with its secret, if any). */
  client: ClientRecord;
  /** Starts a sign-in: the URL to send the browser to, and the checks for its return. `pkce: false`
   * leaves PKCE out, as relying parties that predate it do. */
  begin(params?: Record<string, string>, options?: { pkce?: boolean }): Promise<{ url: string; checks: Checks }>;
  /** Exchanges the code in the URL (or form post) the browser came back with. */
  finish(callback: string | Request, checks: Checks, options?: oidc.DPoPOptions): ReturnType<typeof oidc.authorizationCodeGrant>;
}

export interface Checks {
  pkceCodeVerifier?: string;
  expectedState: string;
  expectedNonce: string;
}

export interface RelyingPartyOptions {
  clientId?: string;
  public?: boolean;
  firstParty?: boolean;
  name?: string;
  /** More registration fields: an auth method, keys, grants, pkce, an ID token algorithm... */
  registration?: Partial<ClientInput>;
  /** How the relying party authenticates at the token endpoint, given its registration. */
  auth?: (client: ClientRecord) => oidc.ClientAuth;
  /** Client metadata openid-client should expect (an ID token algorithm, say). */
  metadata?: Partial<oidc.ClientMetadata>;
}

export async function createRelyingParty(
  server: TestServer,
  { clientId = 'test-app', public: isPublic = false, firstParty = true, name = 'Test App', registration = {}, auth, metadata = {} }: RelyingPartyOptions = {},
): Promise<RelyingParty> {
  const redirectUri = `https://rp.example.com/${clientId}/callback`;
  const { client } = await registerClient(server.store.clients, {
    clientId, name, public: isPublic, firstParty, redirectUris: [redirectUri], postLogoutRedirectUris: [`https://rp.example.com/${clientId}/signed-out`], ...registration,
  });
  const clientAuth = auth ? auth(client) : client.secret ? oidc.ClientSecretBasic(client.secret) : oidc.None();
  const config = await oidc.discovery(new URL(server.issuer), clientId, metadata, clientAuth, { execute: [oidc.allowInsecureRequests] });
  return {
    clientId,
    redirectUri,
    config,
    client,
    async begin(params = {}, { pkce = true } = {}) {
      const checks: Checks = { pkceCodeVerifier: pkce ? oidc.randomPKCECodeVerifier() : undefined, expectedState: oidc.randomState(), expectedNonce: oidc.randomNonce() };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri, scope: 'openid profile email', state: checks.expectedState, nonce: checks.expectedNonce,
        ...(checks.pkceCodeVerifier ? { code_challenge: await oidc.calculatePKCECodeChallenge(checks.pkceCodeVerifier), code_challenge_method: 'S256' } : {}),
        ...params,
      });
      return { url: url.href, checks };
    },
    finish(callback, checks, options) {
      return oidc.authorizationCodeGrant(config, typeof callback === 'string' ? new URL(callback) : callback, checks, undefined, options);
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
