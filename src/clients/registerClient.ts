// Registers a relying party: validates its metadata, and generates a secret for a
// confidential client that authenticates with one when none is given (returned once, stored encrypted).
import { randomBytes } from 'node:crypto';
import type { ClientRecord, ClientStore } from '../store/types.js';
import { describeIssues, InvalidInputError } from '../validation.js';
import { clientFieldLabels, type ClientInput, clientSchema } from './clientSchema.js';

export type NewClientInput = ClientInput;

export const generateClientSecret = () => randomBytes(32).toString('base64url');

/** The checked registration, or every problem with it at once. */
export function parseClient(input: ClientInput) {
  const parsed = clientSchema.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(describeIssues(parsed.error, clientFieldLabels));
  return parsed.data;
}

export async function registerClient(clients: ClientStore, input: NewClientInput, now: () => number = Date.now): Promise<{ client: ClientRecord; generatedSecret?: string }> {
  const { needsSecret, ...data } = parseClient(input);
  const generatedSecret = needsSecret && !data.secret ? generateClientSecret() : undefined;
  const client: ClientRecord = { ...data, secret: needsSecret ? (data.secret ?? generatedSecret!) : null, createdAt: now() };
  await clients.create(client);
  return { client, generatedSecret };
}
