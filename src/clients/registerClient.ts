// Registers a relying party: validates its metadata, and generates a secret for a
// confidential client when none is given (returned once, stored encrypted).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ClientRecord, ClientStore } from '../store/types.js';
import { describeIssues, InvalidInputError } from '../validation.js';

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

const redirectUri = z.string().refine(
  (value) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return false;
    }
    if (url.hash || value.includes('#')) return false;
    if (url.protocol === 'https:') return true;
    if (url.protocol === 'http:') return loopbackHosts.has(url.hostname);
    // Private-use schemes for native apps (RFC 8252 section 7.1) look like reverse domain names.
    return /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol);
  },
  { message: 'must be an absolute https URL without a fragment (http is allowed only for localhost; native apps may use a reverse-domain scheme such as com.example.app:/callback)' },
);

export const newClientSchema = z
  .object({
    clientId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 characters: letters, digits, _ and -')
      .refine((id) => !id.startsWith('twofold-'), "is reserved: ids starting with 'twofold-' belong to Twofold's built-in applications"),
    name: z.string().trim().min(1).max(128).optional(),
    public: z.boolean().default(false),
    firstParty: z.boolean().default(false),
    redirectUris: z.array(redirectUri).min(1, 'at least one redirect URI is required (--redirect-uri)'),
    postLogoutRedirectUris: z.array(redirectUri).default([]),
    secret: z.string().min(32, 'must have at least 32 characters').max(512).optional(),
  })
  .refine((client) => !(client.public && client.secret), { message: 'a public client has no secret: drop the secret or --public', path: ['secret'] });

export type NewClientInput = z.input<typeof newClientSchema>;

export async function registerClient(clients: ClientStore, input: NewClientInput): Promise<{ client: ClientRecord; generatedSecret?: string }> {
  const parsed = newClientSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidInputError(describeIssues(parsed.error, { redirectUris: 'redirect URI', postLogoutRedirectUris: 'post-logout redirect URI' }));
  }
  const { data } = parsed;
  const generatedSecret = !data.public && !data.secret ? randomBytes(32).toString('base64url') : undefined;
  const client: ClientRecord = {
    clientId: data.clientId,
    name: data.name ?? null,
    public: data.public,
    firstParty: data.firstParty,
    redirectUris: data.redirectUris,
    postLogoutRedirectUris: data.postLogoutRedirectUris,
    secret: data.public ? null : (data.secret ?? generatedSecret!),
    createdAt: Date.now(),
  };
  await clients.create(client);
  return { client, generatedSecret };
}
