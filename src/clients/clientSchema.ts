// What a relying party's registration may hold, checked as a whole: the same rules for
// `client add` and `client update`, so an update can never reach a state an add would refuse.
import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { clientAuthMethods, idTokenAlgs } from '../store/types.js';

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

const parseUrl = (value: string): URL | undefined => {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
};

/** https, or http on this machine for development; never a fragment. */
const webUrl = (what: string) => z.string().refine(
  (value) => {
    const url = parseUrl(value);
    if (!url || url.hash || value.includes('#')) return false;
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopbackHosts.has(url.hostname));
  },
  { message: `must be an absolute https URL without a fragment (http is allowed only for localhost)${what ? `: ${what}` : ''}` },
);

const redirectUri = z.string().refine(
  (value) => {
    const url = parseUrl(value);
    if (!url || url.hash || value.includes('#')) return false;
    if (url.protocol === 'https:') return true;
    if (url.protocol === 'http:') return loopbackHosts.has(url.hostname);
    // Private-use schemes for native apps (RFC 8252 section 7.1) look like reverse domain names.
    return /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol);
  },
  { message: 'must be an absolute https URL without a fragment (http is allowed only for localhost; native apps may use a reverse-domain scheme such as com.example.app:/callback)' },
);

/** A JWK Set of public keys only: a private key handed to Twofold would be a leak. */
const jwksSchema = z
  .object({ keys: z.array(z.record(z.string(), z.unknown())).min(1, 'must hold at least one key') })
  .superRefine((jwks, ctx) => {
    jwks.keys.forEach((key, index) => {
      if ('d' in key || 'k' in key) {
        ctx.addIssue({ code: 'custom', message: `key ${index + 1} is a private or secret key: give only the public keys` });
        return;
      }
      try {
        createPublicKey({ key: key as never, format: 'jwk' });
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `key ${index + 1} is not a usable public key (${(error as Error).message})` });
      }
    });
  });

/** Grants as an administrator names them; `authorization_code` brings `refresh_token` along. */
export const grantChoices = ['authorization_code', 'client_credentials'] as const;
const secretMethods = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

export const clientSchema = z
  .object({
    clientId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 characters: letters, digits, _ and -')
      .refine((id) => !id.startsWith('twofold-'), "is reserved: ids starting with 'twofold-' belong to Twofold's built-in applications"),
    name: z.string().trim().min(1).max(128).nullish(),
    public: z.boolean().default(false),
    firstParty: z.boolean().default(false),
    redirectUris: z.array(redirectUri).default([]),
    postLogoutRedirectUris: z.array(redirectUri).default([]),
    secret: z.string().min(32, 'must have at least 32 characters').max(512).nullish(),
    authMethod: z.enum(clientAuthMethods, { message: `must be one of ${clientAuthMethods.join(', ')}` }).optional(),
    jwksUri: webUrl('').nullish(),
    jwks: jwksSchema.nullish(),
    grantTypes: z.array(z.enum(grantChoices, { message: `must be one of ${grantChoices.join(', ')}` })).optional(),
    pkce: z.enum(['required', 'optional'], { message: 'must be required or optional' }).default('required'),
    idTokenAlg: z.enum(idTokenAlgs, { message: `must be one of ${idTokenAlgs.join(', ')}` }).default('RS256'),
    backchannelLogoutUri: webUrl('').nullish(),
    backchannelLogoutSessionRequired: z.boolean().default(false),
    /** An app that can only send a username and a password: the password grant, with app passwords. */
    legacy: z.boolean().default(false),
  })
  .transform((client) => ({
    ...client,
    authMethod: client.authMethod ?? (client.public ? 'none' as const : 'client_secret_basic' as const),
    // A legacy app may do nothing but the password grant; anyone else signs people in by default.
    grantTypes: client.grantTypes ?? (client.legacy ? [] : ['authorization_code' as const]),
  }))
  .superRefine((client, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const signsPeopleIn = client.grantTypes.includes('authorization_code');
    if (!client.grantTypes.length && !client.legacy) problem('grantTypes', 'give at least one grant');
    if (client.public && client.secret) problem('secret', 'a public client has no secret: drop the secret or --public');
    if (client.public && client.authMethod !== 'none') problem('authMethod', "a public client has no credentials to authenticate with: its method is 'none'");
    if (!client.public && client.authMethod === 'none') problem('authMethod', "'none' is for public clients: use --public");
    if (client.authMethod === 'private_key_jwt') {
      if (!client.jwksUri && !client.jwks) problem('authMethod', 'private_key_jwt needs the client\'s public keys: --jwks-uri or --jwks-file');
      if (client.jwksUri && client.jwks) problem('jwksUri', 'give --jwks-uri or --jwks-file, not both');
      if (client.secret) problem('secret', 'a private_key_jwt client signs with its own key and has no secret');
    } else if (client.jwksUri || client.jwks) {
      problem(client.jwksUri ? 'jwksUri' : 'jwks', 'keys are used only with --auth-method private_key_jwt');
    }
    if (client.public && client.pkce === 'optional') problem('pkce', 'a public client must use PKCE: it is the only proof that the code reached the app that asked for it');
    if (client.public && client.grantTypes.includes('client_credentials')) problem('grantTypes', 'client_credentials needs a confidential client: a public one cannot authenticate');
    if (signsPeopleIn && client.redirectUris.length === 0) problem('redirectUris', 'at least one redirect URI is required (--redirect-uri)');
    if (!signsPeopleIn) {
      if (client.redirectUris.length) problem('redirectUris', 'only a client with the authorization_code grant signs people in and has redirect URIs');
      if (client.postLogoutRedirectUris.length) problem('postLogoutRedirectUris', 'only a client with the authorization_code grant signs people out');
      if (client.backchannelLogoutUri) problem('backchannelLogoutUri', 'only a client with the authorization_code grant has sessions to end');
    }
    if (client.backchannelLogoutSessionRequired && !client.backchannelLogoutUri) problem('backchannelLogoutSessionRequired', 'needs --backchannel-logout-uri');
  })
  .transform((client) => ({
    ...client,
    name: client.name ?? null,
    secret: client.secret ?? null,
    jwksUri: client.jwksUri ?? null,
    jwks: client.jwks ?? null,
    backchannelLogoutUri: client.backchannelLogoutUri ?? null,
    grantTypes: client.grantTypes.flatMap((grant) => (grant === 'authorization_code' ? ['authorization_code', 'refresh_token'] as const : [grant])),
    needsSecret: secretMethods.has(client.authMethod),
  }));

export type ClientInput = z.input<typeof clientSchema>;

/** Labels for messages: "redirect URI 2: ...", "auth method: ...". */
export const clientFieldLabels: Record<string, string> = {
  redirectUris: 'redirect URI',
  postLogoutRedirectUris: 'post-logout redirect URI',
  authMethod: 'auth method',
  jwksUri: 'jwks URI',
  jwks: 'jwks',
  grantTypes: 'grant',
  pkce: 'pkce',
  idTokenAlg: 'id token alg',
  backchannelLogoutUri: 'back-channel logout URI',
  backchannelLogoutSessionRequired: 'back-channel logout session required',
};
