// Applications (relying parties) for administrators: list, add, change redirect URIs and the
// first-party and legacy marks, rotate a secret (shown once). The same checks as
// `twofold client add|update` (src/clients/), and each change audited with the administrator.
import { generateClientSecret, registerClient } from '../clients/registerClient.js';
import { type ClientChange, updateClient } from '../clients/updateClient.js';
import type { ClientRecord } from '../store/types.js';
import { InvalidInputError } from '../validation.js';
import type { Actor, AdminDeps } from './adminDeps.js';
import { NotFoundError } from './adminDeps.js';

export interface ApplicationView {
  clientId: string;
  name: string | null;
  type: string;
  firstParty: boolean;
  legacy: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: string[];
  hasSecret: boolean;
}

const view = (client: ClientRecord): ApplicationView => ({
  clientId: client.clientId, name: client.name, type: `${client.public ? 'public' : 'confidential'}, ${client.authMethod}`, firstParty: client.firstParty,
  legacy: client.legacy, redirectUris: client.redirectUris, postLogoutRedirectUris: client.postLogoutRedirectUris, grantTypes: client.grantTypes, hasSecret: Boolean(client.secret),
});

export interface NewApplication {
  clientId: string;
  name?: string;
  public: boolean;
  firstParty: boolean;
  legacy: boolean;
  redirectUris: string[];
}

export function adminApplications({ store, audit }: Pick<AdminDeps, 'store' | 'audit'>) {
  const record = (actor: Actor, type: string, clientId: string, reason: string) => audit.record({ type, result: 'ok', clientId, actor, reason });
  const find = async (clientId: string) => {
    const client = await store.clients.find(clientId);
    if (!client) throw new NotFoundError(`there is no application '${clientId}'`);
    return client;
  };
  return {
    async list(): Promise<ApplicationView[]> {
      return (await store.clients.list()).map(view);
    },
    async get(clientId: string): Promise<ApplicationView> {
      return view(await find(clientId));
    },
    /** Registers it; a confidential client's generated secret is returned this once. */
    async add(actor: Actor, input: NewApplication): Promise<{ application: ApplicationView; secret?: string }> {
      if (await store.clients.find(input.clientId)) throw new InvalidInputError([`client id: '${input.clientId}' is taken`]);
      const { client, generatedSecret } = await registerClient(store.clients, {
        clientId: input.clientId, name: input.name, public: input.public, firstParty: input.firstParty, legacy: input.legacy,
        redirectUris: input.legacy ? [] : input.redirectUris,
      });
      await record(actor, 'client.add', client.clientId, `${view(client).type}; redirect URIs ${client.redirectUris.join(' ') || '(none)'}`);
      return { application: view(client), secret: generatedSecret };
    },
    async update(actor: Actor, clientId: string, change: Pick<ClientChange, 'name' | 'redirectUris' | 'postLogoutRedirectUris' | 'firstParty' | 'legacy'>) {
      await find(clientId);
      const { client, changes } = await updateClient(store.clients, clientId, change);
      if (changes.length) await record(actor, 'client.update', clientId, changes.join('; '));
      return { application: view(client), changes };
    },
    /** A new secret for a confidential client: the old one stops working at once. Shown once. */
    async rotateSecret(actor: Actor, clientId: string): Promise<string> {
      const client = await find(clientId);
      if (!client.secret) throw new InvalidInputError([`${clientId}: this application has no secret to rotate (it is public or uses private_key_jwt)`]);
      const secret = generateClientSecret();
      await store.clients.update({ ...client, secret });
      await record(actor, 'client.rotate-secret', clientId, 'secret: changed');
      return secret;
    },
  };
}
