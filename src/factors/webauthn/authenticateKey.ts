// Authentication (navigator.credentials.get): the options for the page, and the check of an
// assertion against a stored key. The library's own counter check is bypassed (it throws,
// indistinguishable from a bad signature) so that a counter going backwards is told apart, and
// audited as a possible cloned key, by the factor (see `counterIsFresh`).
import { generateAuthenticationOptions, verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Credential } from '../../store/types.js';
import type { RelyingParty } from './relyingParty.js';
import { keyOf, type StoredKey, transportsOf } from './storedKey.js';

/** Options for a second factor (the person's own keys listed) or, with no keys, for a
 * discoverable credential chosen by the person (passwordless, conditional mediation). */
export function authenticationOptions(rp: RelyingParty, credentials: Credential[], challenge?: string) {
  return generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials: credentials.flatMap((credential) => {
      const key = keyOf(credential);
      return key && credential.externalId ? [{ id: credential.externalId, transports: transportsOf(key) }] : [];
    }),
    challenge: challenge && Buffer.from(challenge, 'base64url'),
    userVerification: 'preferred',
    timeout: 5 * 60_000,
  });
}

export type Asserted =
  | { ok: true; key: StoredKey; newCounter: number; userVerified: boolean }
  | { ok: false; reason: 'wrong_code' | 'no_credential'; detail: string };

/** Whether a counter moved forward, as WebAuthn §6.1.1 asks; a key that always says 0 never counts. */
export const counterIsFresh = (stored: number, received: number) => (stored === 0 && received === 0) || received > stored;

export async function checkAssertion(rp: RelyingParty, response: AuthenticationResponseJSON, credential: Credential, expectedChallenge: string): Promise<Asserted> {
  const key = keyOf(credential);
  if (!key || !credential.externalId) return { ok: false, reason: 'no_credential', detail: 'stored key is unreadable' };
  let verified;
  try {
    verified = await verifyAuthenticationResponse({
      response, expectedChallenge, expectedOrigin: rp.origins, expectedRPID: rp.id, requireUserVerification: false,
      credential: { id: credential.externalId, publicKey: Buffer.from(key.publicKey, 'base64url'), counter: 0, transports: transportsOf(key) },
    });
  } catch (error) {
    return { ok: false, reason: 'wrong_code', detail: (error as Error).message };
  }
  if (!verified.verified) return { ok: false, reason: 'wrong_code', detail: 'signature not verified' };
  // The counter is judged by the caller, against the stored value it is about to replace.
  const { newCounter, userVerified } = verified.authenticationInfo;
  return { ok: true, key, newCounter, userVerified };
}
