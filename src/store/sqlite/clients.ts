import type { SecretBox } from '../../crypto/secretBox.js';
import { type ClientRecord, type ClientStore, sealContext, StoreConflictError } from '../types.js';
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
}

export function sqliteClients(db: Db, box: SecretBox): ClientStore {
  const toClient = (row: ClientRow | undefined): ClientRecord | undefined =>
    row && {
      clientId: row.client_id,
      name: row.name,
      public: row.public === 1,
      firstParty: row.first_party === 1,
      redirectUris: JSON.parse(row.redirect_uris) as string[],
      postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
      secret: row.secret_sealed ? box.open(row.secret_sealed, sealContext.clientSecret(row.client_id)) : null,
      createdAt: row.created_at,
    };
  const byId = db.prepare('SELECT * FROM clients WHERE client_id = ?');
  const insert = db.prepare(`INSERT INTO clients VALUES (@client_id, @name, @public, @first_party, @redirect_uris,
    @post_logout_redirect_uris, @secret_sealed, @created_at)`);
  const all = db.prepare('SELECT * FROM clients ORDER BY client_id');
  const deleteClient = db.prepare('DELETE FROM clients WHERE client_id = ?');
  const create = db.transaction((row: ClientRow) => {
    if (byId.get(row.client_id)) throw new StoreConflictError(`client '${row.client_id}'`);
    insert.run(row);
  });

  return {
    async create(client) {
      const row: ClientRow = {
        client_id: client.clientId,
        name: client.name,
        public: client.public ? 1 : 0,
        first_party: client.firstParty ? 1 : 0,
        redirect_uris: JSON.stringify(client.redirectUris),
        post_logout_redirect_uris: JSON.stringify(client.postLogoutRedirectUris),
        secret_sealed: client.secret ? box.seal(client.secret, sealContext.clientSecret(client.clientId)) : null,
        created_at: client.createdAt,
      };
      create(row);
    },
    async find(clientId) {
      return toClient(byId.get(clientId) as ClientRow | undefined);
    },
    async list() {
      return (all.all() as ClientRow[]).map((row) => toClient(row)!);
    },
    async remove(clientId) {
      return deleteClient.run(clientId).changes === 1;
    },
  };
}
