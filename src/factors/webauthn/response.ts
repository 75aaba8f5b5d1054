// A ceremony's answer as the browser helper posts it (one JSON field), checked for shape
// before any cryptography: a bad one is `malformed`, never an exception.
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/).max(2048);

const common = { id: base64url, rawId: base64url, type: z.literal('public-key'), clientExtensionResults: z.record(z.string(), z.unknown()).default({}), authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional() };

const registration = z.object({
  ...common,
  response: z.object({
    clientDataJSON: base64url, attestationObject: base64url.max(16384),
    transports: z.array(z.string().max(32)).max(10).optional(),
  }).loose(),
});

const authentication = z.object({
  ...common,
  response: z.object({ clientDataJSON: base64url, authenticatorData: base64url, signature: base64url, userHandle: base64url.max(128).optional() }).loose(),
});

function parse<T>(schema: z.ZodType<T>, text: string | undefined): T | undefined {
  if (!text || text.length > 32768) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export const parseRegistration = (text: string | undefined) => parse(registration, text) as RegistrationResponseJSON | undefined;
export const parseAuthentication = (text: string | undefined) => parse(authentication, text) as AuthenticationResponseJSON | undefined;
