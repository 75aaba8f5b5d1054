import type { SecretBox } from '../../crypto/secretBox.js';
import { type ClientRecord, type ClientStore, sealContext, StoreConflictError } from '../types.js';
import { isDuplicateKey } from './errors.js';
import type { Models } from './models.js';

export interface ClientDoc {
  _id: string;
  name: string | null;
  public: boolean;
  first_party: boolean;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  secret_sealed: string | null;
  created_at: number;
  auth_method: string;
  jwks_uri: string | null;
  jwks: ClientRecord['jwks'];
  grant_types: string[];
  pkce: string;
  id_token_alg: string;
  backchannel_logout_uri: string | null;
  backchannel_logout_session_required: boolean;
  legacy: boolean;
}

export function mongoClients(models: Models, box: SecretBox): ClientStore {
  const { clients } = models;
  const toClient = (doc: ClientDoc): ClientRecord => ({
    clientId: doc._id,
    name: doc.name ?? null,
    public: doc.public === true,
    firstParty: doc.first_party === true,
    redirectUris: [...doc.redirect_uris],
    postLogoutRedirectUris: [...doc.post_logout_redirect_uris],
    secret: doc.secret_sealed ? box.open(doc.secret_sealed, sealContext.clientSecret(doc._id)) : null,
    authMethod: doc.auth_method as ClientRecord['authMethod'],
    jwksUri: doc.jwks_uri ?? null,
    jwks: doc.jwks ?? null,
    grantTypes: [...doc.grant_types] as ClientRecord['grantTypes'],
    pkce: doc.pkce === 'optional' ? 'optional' : 'required',
    idTokenAlg: doc.id_token_alg as ClientRecord['idTokenAlg'],
    backchannelLogoutUri: doc.backchannel_logout_uri ?? null,
    backchannelLogoutSessionRequired: doc.backchannel_logout_session_required === true,
    legacy: doc.legacy === true,
    createdAt: doc.created_at,
  });
  const toDoc = (client: ClientRecord): ClientDoc => ({
    _id: client.clientId,
    name: client.name,
    public: client.public,
    first_party: client.firstParty,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    secret_sealed: client.secret ? box.seal(client.secret, sealContext.clientSecret(client.clientId)) : null,
    created_at: client.createdAt,
    auth_method: client.authMethod,
    jwks_uri: client.jwksUri,
    jwks: client.jwks,
    grant_types: client.grantTypes,
    pkce: client.pkce,
    id_token_alg: client.idTokenAlg,
    backchannel_logout_uri: client.backchannelLogoutUri,
    backchannel_logout_session_required: client.backchannelLogoutSessionRequired,
    legacy: client.legacy,
  });

  return {
    async create(client) {
      try {
        // The client id is the document's _id: the primary key refuses a second one.
        await clients.create(toDoc(client));
      } catch (error) {
        if (isDuplicateKey(error)) throw new StoreConflictError(`client '${client.clientId}'`);
        throw error;
      }
    },
    async find(clientId) {
      const doc = await clients.findById(clientId).lean<ClientDoc>();
      return doc ? toClient(doc) : undefined;
    },
    async list() {
      return (await clients.find().sort({ _id: 1 }).lean<ClientDoc[]>()).map(toClient);
    },
    async update(client) {
      // The creation time stays what it was.
      const { _id, created_at, ...rest } = toDoc(client);
      void created_at;
      return (await clients.updateOne({ _id }, { $set: rest })).matchedCount === 1;
    },
    async remove(clientId) {
      return (await clients.deleteOne({ _id: clientId })).deletedCount === 1;
    },
  };
}
