import type { SecretBox } from '../../crypto/secretBox.js';
import { type ClientAuthMethod, type ClientGrantType, type ClientRecord, type ClientStore, type IdTokenAlg, sealContext, StoreConflictError } from '../types.js';
import type { Db } from './database.js';

interface ClientRow {
  client_id: string;
  name: string | null;
  public: number;
  first_party: number;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  secret_sealed: string | null;
  created_at: number;
  auth_method: string;
  jwks_uri: string | null;
  jwks: string | null;
  grant_types: string;
  pkce: string;
  id_token_alg: string;
  backchannel_logout_uri: string | null;
  backchannel_logout_session_required: number;
  legacy: number;
}

const columns = ['client_id', 'name', 'public', 'first_party', 'redirect_uris', 'post_logout_redirect_uris', 'secret_sealed', 'created_at',
  'auth_method', 'jwks_uri', 'jwks', 'grant_types', 'pkce', 'id_token_alg', 'backchannel_logout_uri', 'backchannel_logout_session_required', 'legacy'] as const;

export function sqliteClients(db: Db, box: SecretBox): ClientStore {
  // Every page and token request looks its client up. A sealed value has a fresh random IV, so
  // the same ciphertext in the same row always opens to the same secret: remembering the last
  // few openings (keyed by row and ciphertext, keeping the binding sealContext gives) is exact,
  // never stale, and saves an AES-GCM opening per lookup.
  const opened = new Map<string, string>();
  const openSecret = (row: ClientRow) => {
    const key = `${row.client_id}\n${row.secret_sealed!}`;
    let secret = opened.get(key);
    if (secret === undefined) {
      secret = box.open(row.secret_sealed!, sealContext.clientSecret(row.client_id));
      if (opened.size >= 256) opened.clear();
      opened.set(key, secret);
    }
    return secret;
  };
  const toClient = (row: ClientRow | undefined): ClientRecord | undefined =>
    row && {
      clientId: row.client_id,
      name: row.name,
      public: row.public === 1,
      firstParty: row.first_party === 1,
      redirectUris: JSON.parse(row.redirect_uris) as string[],
      postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
      secret: row.secret_sealed ? openSecret(row) : null,
      authMethod: row.auth_method as ClientAuthMethod,
      jwksUri: row.jwks_uri,
      jwks: row.jwks ? (JSON.parse(row.jwks) as ClientRecord['jwks']) : null,
      grantTypes: JSON.parse(row.grant_types) as ClientGrantType[],
      pkce: row.pkce === 'optional' ? 'optional' : 'required',
      idTokenAlg: row.id_token_alg as IdTokenAlg,
      backchannelLogoutUri: row.backchannel_logout_uri,
      backchannelLogoutSessionRequired: row.backchannel_logout_session_required === 1,
      legacy: row.legacy === 1,
      createdAt: row.created_at,
    };
  const toRow = (client: ClientRecord): ClientRow => ({
    client_id: client.clientId,
    name: client.name,
    public: client.public ? 1 : 0,
    first_party: client.firstParty ? 1 : 0,
    redirect_uris: JSON.stringify(client.redirectUris),
    post_logout_redirect_uris: JSON.stringify(client.postLogoutRedirectUris),
    secret_sealed: client.secret ? box.seal(client.secret, sealContext.clientSecret(client.clientId)) : null,
    created_at: client.createdAt,
    auth_method: client.authMethod,
    jwks_uri: client.jwksUri,
    jwks: client.jwks ? JSON.stringify(client.jwks) : null,
    grant_types: JSON.stringify(client.grantTypes),
    pkce: client.pkce,
    id_token_alg: client.idTokenAlg,
    backchannel_logout_uri: client.backchannelLogoutUri,
    backchannel_logout_session_required: client.backchannelLogoutSessionRequired ? 1 : 0,
    legacy: client.legacy ? 1 : 0,
  });
  const byId = db.prepare('SELECT * FROM clients WHERE client_id = ?');
  const insert = db.prepare(`INSERT INTO clients (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  // The creation time stays what it was.
  const replace = db.prepare(`UPDATE clients SET ${columns.filter((c) => c !== 'client_id' && c !== 'created_at').map((c) => `${c} = @${c}`).join(', ')}
    WHERE client_id = @client_id`);

  const all = db.prepare('SELECT * FROM clients ORDER BY client_id');
  const deleteClient = db.prepare('DELETE FROM clients WHERE client_id = ?');
  const create = db.transaction((row: ClientRow) => {
    if (byId.get(row.client_id)) throw new StoreConflictError(`client '${row.client_id}'`);
    insert.run(row);
  });

  return {
    async create(client) {
      const row = toRow(client);
      create(row);
    },
    async find(clientId) {
      return toClient(byId.get(clientId) as ClientRow | undefined);
    },
    async list() {
      return (all.all() as ClientRow[]).map((row) => toClient(row)!);
    },
    async update(client) {
      return replace.run(toRow(client)).changes === 1;
    },
    async remove(clientId) {
      return deleteClient.run(clientId).changes === 1;
    },
  };
}
