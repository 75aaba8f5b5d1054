// oidc-provider configured for Twofold: stored clients and sessions, persisted keys,
// PKCE for every client, amr/acr in ID tokens, and Twofold's own pages.
import Provider, { type ClientMetadata, type Configuration, errors, type KoaContextWithOIDC, type interactionPolicy } from 'oidc-provider';
import type { KeyMaterial } from '../config/keys.js';
import type { Views } from '../http/views.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import type { AcrLevels } from './acr.js';
import { adapterFor } from './adapter.js';
import { firstPartyProperty, isFirstParty, pkceOptionalProperty, pkceRequired } from './clientMetadata.js';
import { claimsByScope, findAccountIn } from './findAccount.js';
import { clientHome } from './clientHome.js';
import type { RefreshCheck } from './refreshCheck.js';
import { basePolicy } from './interactionPolicy.js';
import { describeProviderError } from './providerErrors.js';
import { reportRequestedAcr } from './requestedAcr.js';

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
  // Browsers send cookies with a cross-site POST only when they are SameSite=None, which they
  // accept only as Secure: POST to /auth and /session/end (OpenID Connect Core 3.1.2.1, RP-Initiated
  // Logout 2) is served where the issuer is https. On plain http those endpoints take GET alone.
  const postMethods = new URL(options.issuer).protocol === 'https:';

  const configuration: Configuration = {
    adapter: adapterFor(store) as unknown as Configuration['adapter'],
    findAccount: findAccountIn(store.accounts, options.refreshCheck),
    clients: options.staticClients ?? [],
    acrValues: [acr.sfa, acr.mfa, acr.phishingResistant],
    claims: claimsByScope,
    // twofold:admin: the admin API's scope (src/admin/apiRoutes.ts decides who may use it).
    scopes: ['openid', 'offline_access', 'profile', 'email', 'phone', 'groups', 'twofold:admin'],
    cookies: {
      keys: options.keys.cookieKeys,
      long: { httpOnly: true, sameSite: postMethods ? 'none' : 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    jwks: options.keys.jwks as Configuration['jwks'],
    enableHttpPostMethods: postMethods,
    // "My security info" says why it asks to verify again (interactions/purpose.ts).
    extraParams: ['twofold_purpose'],
    // OpenID Connect Core 3.1.2.1 makes redirect_uri required, even for a client with only one.
    allowOmittingSingleRegisteredRedirectUri: false,
    extraClientMetadata: {
      properties: [firstPartyProperty, pkceOptionalProperty],
      validator(_ctx, key, value) {
        if (key === firstPartyProperty && typeof value !== 'boolean') throw new TypeError(`${key} must be a boolean`);
        // Absent on built-in clients, which always use PKCE.
        if (key === pkceOptionalProperty && value !== undefined && typeof value !== 'boolean') throw new TypeError(`${key} must be a boolean`);
      },
    },
    // Only administrators register clients, so the URLs the provider fetches (a client's
    // jwks_uri, its back-channel logout URI) are trusted; relying parties on the organisation's
    // own network are common, and oidc-provider's default refuses private addresses.
    fetch(url, init) {
      const { dispatcher: _ssrfGuard, ...rest } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
      return globalThis.fetch(url, rest);
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: { enabled: false },
      claimsParameter: { enabled: true },
      // A client may look into and revoke only the tokens issued to it: no relying party
      // learns about another's users through these endpoints.
      // RFC 7009 2.1: a token issued to another client is refused with an error, not a silent 200.
      revocation: {
        enabled: true,
        async allowedPolicy(_ctx, client, token) {
          if (token.clientId !== client.clientId) throw new errors.UnauthorizedClient('the token was not issued to this client');
          return true;
        },
      },
      introspection: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      backchannelLogout: { enabled: true },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          // An ID token of the person signed in here is confirmation enough (RP-Initiated Logout
          // 1.0, 2): the page signs out by itself. Without one (or for someone else), ask.
          const hint = (ctx.oidc.entities as { IdTokenHint?: { payload?: { sub?: unknown } } }).IdTokenHint;
          const auto = ctx.oidc.session?.accountId !== undefined && hint?.payload?.sub === ctx.oidc.session.accountId;
          ctx.type = 'html';
          ctx.body = views.render('logout.njk', { form, client: ctx.oidc.client?.clientName, auto });
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = views.render('signed-out.njk', { client: ctx.oidc.client?.clientName, back: clientHome(ctx.oidc.client) });
        },
      },
    },
    // Authorization code only: no implicit or hybrid flows (OAuth 2.0 Security BCP). PKCE is
    // required unless an administrator let a confidential client go without (RFC 9700 2.1.1).
    responseTypes: ['code'],
    pkce: { required: (_ctx, client) => pkceRequired(client) },
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
      // Always somewhere to go: the application's own start, or Twofold's home page (clientHome.ts).
      ctx.body = views.render('error.njk', { ...describeProviderError(out.error, out.error_description, { signingOut: ctx.oidc?.route?.startsWith('end_session') }), back: clientHome(ctx.oidc?.client) });
    },
  };

  const provider = new Provider(options.issuer, configuration);
  reportRequestedAcr(provider, acr);
  provider.proxy = options.trustProxy;
  // Koa reads the leftmost X-Forwarded-For entry unless told how many hops to trust, and the
  // client writes that one: policy network rules and regulation would believe it.
  provider.maxIpsCount = options.proxyHops ?? 1;
  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => log.error('provider server_error', { error: error.message, stack: error.stack }));
  return provider;
}
