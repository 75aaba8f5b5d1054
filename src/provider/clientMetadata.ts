// A stored relying party as oidc-provider's client metadata.
import type { ClientRecord } from '../store/types.js';

export const firstPartyProperty = 'first_party';

export function toClientMetadata(client: ClientRecord): Record<string, unknown> {
  const native = client.redirectUris.some((uri) => !/^https?:/.test(uri));
  return {
    client_id: client.clientId,
    ...(client.name ? { client_name: client.name } : {}),
    ...(client.secret ? { client_secret: client.secret } : {}),
    application_type: native ? 'native' : 'web',
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: client.public ? 'none' : 'client_secret_basic',
    [firstPartyProperty]: client.firstParty,
  };
}

export function isFirstParty(client: object | undefined): boolean {
  return (client as Record<string, unknown> | undefined)?.[firstPartyProperty] === true;
}
