// Registration (navigator.credentials.create): the options the page passes to the browser,
// and the check of its answer, turned into what Twofold stores or a typed reason it will not.
import { generateRegistrationOptions, verifyRegistrationResponse } from '@simplewebauthn/server';
import type { FactorAccount } from '../types.js';
import type { RelyingParty } from './relyingParty.js';
import { parseRegistration } from './response.js';
import { kindOf, type StoredKey } from './storedKey.js';

export interface AttestationPolicy {
  /** `none`: any authenticator; `direct`: it must prove its model, one of `allowedAaguids` when listed. */
  conveyance: 'none' | 'direct';
  allowedAaguids: string[];
}

/** The user handle: the account id, so a discoverable credential names its owner. */
export const userHandle = (accountId: string) => Buffer.from(accountId, 'utf8');

export async function registrationOptions(rp: RelyingParty, rpName: string, account: FactorAccount, existing: { id: string; transports: string[] }[], attestation: AttestationPolicy, challenge?: string) {
  return generateRegistrationOptions({
    rpName,
    rpID: rp.id,
    challenge: challenge && Buffer.from(challenge, 'base64url'),
    userID: userHandle(account.id),
    userName: account.username,
    userDisplayName: account.username,
    attestationType: attestation.conveyance,
    // The same key twice would add nothing, and the browser says so to the person.
    excludeCredentials: existing.map(({ id, transports }) => ({ id, transports: transports as never })),
    // A passkey where the authenticator can keep one (for sign-in without a password); the
    // person's PIN or biometric when it has one.
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    timeout: 5 * 60_000,
  });
}

export type Registered =
  | { ok: true; externalId: string; key: StoredKey; userVerified: boolean }
  | { ok: false; reason: 'malformed' | 'wrong_code' | 'not_allowed'; detail: string };

export async function checkRegistration(rp: RelyingParty, responseText: string | undefined, expectedChallenge: string, attestation: AttestationPolicy): Promise<Registered> {
  const response = parseRegistration(responseText);
  if (!response) return { ok: false, reason: 'malformed', detail: 'not a registration response' };
  let verified;
  try {
    verified = await verifyRegistrationResponse({
      response, expectedChallenge, expectedOrigin: rp.origins, expectedRPID: rp.id, requireUserVerification: false,
    });
  } catch (error) {
    return { ok: false, reason: 'wrong_code', detail: (error as Error).message };
  }
  if (!verified.verified) return { ok: false, reason: 'wrong_code', detail: 'registration not verified' };
  const info = verified.registrationInfo;
  if (attestation.conveyance === 'direct') {
    if (info.fmt === 'none') return { ok: false, reason: 'not_allowed', detail: 'no attestation, and direct attestation is required' };
    if (attestation.allowedAaguids.length && !attestation.allowedAaguids.includes(info.aaguid.toLowerCase())) {
      return { ok: false, reason: 'not_allowed', detail: `authenticator model ${info.aaguid} is not on the allow-list` };
    }
  }
  const transports = response.response.transports ?? info.credential.transports ?? [];
  return {
    ok: true,
    externalId: info.credential.id,
    userVerified: info.userVerified,
    key: {
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports,
      aaguid: info.aaguid,
      kind: kindOf({ deviceType: info.credentialDeviceType, attachment: response.authenticatorAttachment, transports }),
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      discoverable: response.clientExtensionResults?.credProps?.rk === true,
      recentChallenges: [],
    },
  };
}
