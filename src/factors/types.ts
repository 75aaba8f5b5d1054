// The one shape every second-factor method has. Interactions find factors through the
// registry by id and never import a factor directly.
import type { MethodId } from '../policy/types.js';
import type { Credential } from '../store/types.js';

export interface FactorAccount {
  id: string;
  username: string;
}

/** A setup in progress: what its page shows, and what must be kept (encrypted) until it is proven. */
export interface EnrollmentStart {
  view: Record<string, unknown>;
  pending: Record<string, unknown>;
}

/** Why a verification failed. The person always sees one generic message; the log gets this. */
export type VerifyFailure = 'malformed' | 'wrong_code' | 'replayed' | 'no_credential';

export type VerifyResult = { ok: true; credential: Credential } | { ok: false; reason: VerifyFailure };

export interface Factor {
  id: MethodId;
  /** RFC 8176 method references this factor adds to `amr`. */
  amr: string[];
  /** Bound to the site, so a look-alike site cannot relay it (passkeys, security keys). */
  phishingResistant: boolean;
  /** "Authenticator app": the method in lists and headings. */
  title: string;
  /** One line on how it works, for the setup choice. */
  description: string;
  enroll: {
    begin(account: FactorAccount): Promise<EnrollmentStart>;
    /** Proves the new method with one verification and saves it. `claim` is called once the proof
     * holds and before saving: it takes the pending setup, so racing submissions save it once. */
    finish(account: FactorAccount, pending: Record<string, unknown>, form: Record<string, string>, claim: () => Promise<boolean>): Promise<VerifyResult>;
  };
  /** Sends a text, places a call or pushes a notification; nothing for a code the person already has. */
  challenge(account: FactorAccount, credential: Credential): Promise<{ view: Record<string, unknown> }>;
  verify(account: FactorAccount, credentials: Credential[], form: Record<string, string>): Promise<VerifyResult>;
  /** A label safe to show, with any number masked: "Authenticator app (Work phone)". */
  describe(credential: Credential): string;
}
