// What Twofold keeps of a registered key (in the credential's `data`, all public), and what
// it may say about it: a security key (`hwk`) or a passkey on a device or synced (`swk`).
import type { AuthenticatorTransport } from '@simplewebauthn/server';
import { z } from 'zod';
import type { Credential } from '../../store/types.js';

export type KeyKind = 'security-key' | 'passkey';

export const storedKey = z.object({
  /** COSE public key, base64url. */
  publicKey: z.string(),
  /** The highest signature counter seen (0 for authenticators that never count). */
  counter: z.number().int().min(0),
  transports: z.array(z.string()).default([]),
  aaguid: z.string(),
  kind: z.enum(['security-key', 'passkey']),
  deviceType: z.enum(['singleDevice', 'multiDevice']),
  backedUp: z.boolean(),
  /** Whether the key was made discoverable (it can sign in without a username). */
  discoverable: z.boolean().default(false),
  /** The challenges of the last few sign-ins with this key, so one answer counts once even when
   * two requests race with it. */
  recentChallenges: z.array(z.string()).default([]),
});
export type StoredKey = z.infer<typeof storedKey>;

export const keyOf = (credential: Credential): StoredKey | undefined => {
  const parsed = storedKey.safeParse(credential.data);
  return parsed.success ? parsed.data : undefined;
};

export const transportsOf = (key: StoredKey) => key.transports as AuthenticatorTransport[];

/**
 * As far as the response tells: a backed-up (synced) credential, one on the platform's own
 * authenticator, or one reached through a phone (hybrid) is a passkey; a roaming authenticator
 * on USB, NFC or Bluetooth is a security key.
 */
export function kindOf(facts: { deviceType: string; attachment?: string | null; transports: string[] }): KeyKind {
  if (facts.deviceType === 'multiDevice' || facts.attachment === 'platform') return 'passkey';
  if (facts.transports.some((transport) => transport === 'internal' || transport === 'hybrid')) return 'passkey';
  return 'security-key';
}

/** RFC 8176: `hwk` for a hardware key, `swk` for a software-held one, `user` when the
 * authenticator verified the person (PIN or biometric). */
export const amrFor = (kind: KeyKind, userVerified: boolean) => [kind === 'security-key' ? 'hwk' : 'swk', ...(userVerified ? ['user'] : [])];
