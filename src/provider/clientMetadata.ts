// A stored relying party as oidc-provider's client metadata.
import type { ClientRecord } from '../store/types.js';

export const firstPartyProperty = 'first_party';
/** Twofold's own metadata: PKCE may be left out by this (confidential) client. */
export const pkceOptionalProperty = 'pkce_optional';

export function toClientMetadata(client: ClientRecord): Record<string, unknown> {
  const native = client.redirectUris.some((uri) => !/^https?:/.test(uri));
  const signsPeopleIn = client.grantTypes.includes('authorization_code');
  return {
    client_id: client.clientId,
    ...(client.name ? { client_name: client.name } : {}),
    ...(client.secret ? { client_secret: client.secret } : {}),
    application_type: native ? 'native' : 'web',
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    // A legacy app (an older mail client) sends a username and an app password: the password grant.
    grant_types: client.legacy ? [...client.grantTypes, 'password'] : client.grantTypes,
    // A service client (client credentials only) takes no part in the authorization endpoint.
    response_types: signsPeopleIn ? ['code'] : [],
    token_endpoint_auth_method: client.authMethod,
    ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}),
    ...(client.jwks ? { jwks: client.jwks } : {}),
    id_token_signed_response_alg: client.idTokenAlg,
    ...(client.backchannelLogoutUri
      ? { backchannel_logout_uri: client.backchannelLogoutUri, backchannel_logout_session_required: client.backchannelLogoutSessionRequired }
      : {}),
    [firstPartyProperty]: client.firstParty,
    [pkceOptionalProperty]: client.pkce === 'optional',
  };
}

export function isFirstParty(client: object | undefined): boolean {
  return (client as Record<string, unknown> | undefined)?.[firstPartyProperty] === true;
}

/** PKCE is required unless a confidential client was registered with `--pkce optional`. */
export function pkceRequired(client: object | undefined): boolean {
  const metadata = client as { tokenEndpointAuthMethod?: string; [pkceOptionalProperty]?: unknown } | undefined;
  return !(metadata?.[pkceOptionalProperty] === true && metadata.tokenEndpointAuthMethod !== 'none');
}
