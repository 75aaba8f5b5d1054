// oidc-provider configured for Twofold: stored clients and sessions, persisted keys,
// PKCE for every client, amr/acr in ID tokens, and Twofold's own pages.
import Provider, { type ClientMetadata, type Configuration, type KoaContextWithOIDC, type interactionPolicy } from 'oidc-provider';
import type { KeyMaterial } from '../config/keys.js';
import type { Views } from '../http/views.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import type { AcrLevels } from './acr.js';
import { adapterFor } from './adapter.js';
import { firstPartyProperty, isFirstParty } from './clientMetadata.js';
import { claimsByScope, findAccountIn } from './findAccount.js';
import type { RefreshCheck } from './refreshCheck.js';
import { basePolicy } from './interactionPolicy.js';
import { describeProviderError } from './providerErrors.js';

export interface ProviderOptions {
  issuer: string;
  keys: KeyMaterial;
  store: Store;
  views: Views;
  acr: AcrLevels;
  /** Seconds a sign-in session lasts. */
  sessionTtl: number;
  trustProxy: boolean;
  /** Trusted proxies in front: the client address is that many X-Forwarded-For entries from the right. */
  proxyHops?: number;
  log: Logger;
  /** Built-in relying parties, served from configuration rather than the store. */
  staticClients?: ClientMetadata[];
  /** The interaction policy; defaults to login and consent (see interactionPolicy.ts). */
  policy?: interactionPolicy.Prompt[];
  /** Re-evaluates each refresh grant (see refreshCheck.ts). */
  refreshCheck?: RefreshCheck;
}

const day = 24 * 3600;

export function createProvider(options: ProviderOptions): Provider {
  const { store, views, acr, log } = options;

  const configuration: Configuration = {
    adapter: adapterFor(store) as unknown as Configuration['adapter'],
    findAccount: findAccountIn(store.accounts, options.refreshCheck),
    clients: options.staticClients ?? [],
    acrValues: [acr.sfa, acr.mfa, acr.phishingResistant],
    claims: claimsByScope,
    scopes: ['openid', 'offline_access', 'profile', 'email', 'phone', 'groups'],
    cookies: {
      keys: options.keys.cookieKeys,
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    jwks: options.keys.jwks as Configuration['jwks'],
    extraClientMetadata: {
      properties: [firstPartyProperty],
      validator(_ctx, key, value) {
        if (key === firstPartyProperty && typeof value !== 'boolean') throw new TypeError(`${firstPartyProperty} must be a boolean`);
      },
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: { enabled: false },
      claimsParameter: { enabled: true },
      // A client may look into and revoke only the tokens issued to it: no relying party
      // learns about another's users through these endpoints.
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      introspection: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      backchannelLogout: { enabled: true },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = views.render('logout.njk', { form, client: ctx.oidc.client?.clientName });
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = views.render('signed-out.njk', { client: ctx.oidc.client?.clientName });
        },
      },
    },
    // Authorization code with PKCE only: no implicit or hybrid flows (OAuth 2.0 Security BCP).
    responseTypes: ['code'],
    pkce: { required: () => true },
    interactions: {
      policy: options.policy ?? basePolicy(),
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      ClientCredentials: 600,
      IdToken: 3600,
      Interaction: 30 * 60,
      RefreshToken: 14 * day,
      Grant: 14 * day,
      Session: options.sessionTtl,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
    },
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId || oidc.session!.grantIdFor(oidc.client!.clientId);
      const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if (!isFirstParty(oidc.client) || !oidc.session?.accountId) return existing;
      // First-party applications do not ask for consent: grant what they request.
      const grant = existing ?? new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
      grant.addOIDCClaims([...oidc.requestParamClaims]);
      await grant.save();
      return grant;
    },
    async extraTokenClaims(ctx, token) {
      // Access tokens are opaque; introspection tells resource servers how the person signed in.
      if (token.kind !== 'AccessToken') return undefined;
      const source = ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken;
      return source?.acr ? { acr: source.acr, amr: source.amr } : undefined;
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = views.render('error.njk', describeProviderError(out.error, out.error_description));
    },
  };

  const provider = new Provider(options.issuer, configuration);
  provider.proxy = options.trustProxy;
  // Koa reads the leftmost X-Forwarded-For entry unless told how many hops to trust, and the
  // client writes that one: policy network rules and regulation would believe it.
  provider.maxIpsCount = options.proxyHops ?? 1;
  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => log.error('provider server_error', { error: error.message, stack: error.stack }));
  return provider;
}
