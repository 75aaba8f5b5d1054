// Changes a registered relying party in place: the same checks as a new registration, the
// secret kept (or made, when it now needs one), and a list of what changed for the audit log.
import type { ClientRecord, ClientStore } from '../store/types.js';
import { InvalidInputError } from '../validation.js';
import type { ClientInput } from './clientSchema.js';
import { generateClientSecret, parseClient } from './registerClient.js';

/** What an update may change: everything but the id and whether the client is public. */
export type ClientChange = Omit<Partial<ClientInput>, 'clientId' | 'public' | 'secret'>;

const asInput = (client: ClientRecord): ClientInput => ({
  ...client,
  // Stored grants include the refresh_token that authorization_code brings.
  grantTypes: client.grantTypes.filter((grant): grant is 'authorization_code' | 'client_credentials' => grant !== 'refresh_token'),
});

export async function updateClient(clients: ClientStore, clientId: string, change: ClientChange): Promise<{ before: ClientRecord; client: ClientRecord; changes: string[]; generatedSecret?: string }> {
  const before = await clients.find(clientId);
  if (!before) throw new InvalidInputError([`client update: there is no client '${clientId}'`]);
  const input = { ...asInput(before), ...change };
  // Keys come from one place; a method that uses none drops them.
  if (change.jwksUri && change.jwks === undefined) input.jwks = null;
  if (change.jwks && change.jwksUri === undefined) input.jwksUri = null;
  if (change.authMethod && change.authMethod !== 'private_key_jwt' && change.jwks === undefined && change.jwksUri === undefined) {
    input.jwks = null;
    input.jwksUri = null;
  }
  // A secret that the new method does not use is dropped; one it needs is kept or made.
  const { needsSecret, ...data } = parseClient({ ...input, secret: input.authMethod === 'private_key_jwt' ? null : before.secret });
  const generatedSecret = needsSecret && !before.secret ? generateClientSecret() : undefined;
  const client: ClientRecord = { ...data, secret: needsSecret ? (before.secret ?? generatedSecret!) : null, createdAt: before.createdAt };
  const changes = describeChanges(before, client);
  if (changes.length && !(await clients.update(client))) throw new InvalidInputError([`client update: there is no client '${clientId}'`]);
  return { before, client, changes, generatedSecret };
}

/** "field: old -> new" for each field that differs; secrets are never written out. */
export function describeChanges(before: ClientRecord, after: ClientRecord): string[] {
  const shown = (value: unknown) => (Array.isArray(value) ? value.join(' ') || '(none)' : value === null ? '(none)' : typeof value === 'object' ? 'a JWK Set' : String(value));
  return (Object.keys(after) as (keyof ClientRecord)[]).flatMap((key) => {
    if (key === 'createdAt') return [];
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) return [];
    if (key === 'secret') return [after.secret ? (before.secret ? 'secret: changed' : 'secret: generated') : 'secret: removed'];
    return [`${key}: ${shown(before[key])} -> ${shown(after[key])}`];
  });
}
