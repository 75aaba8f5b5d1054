// The one shape every second-factor method has, whatever its protocol: a code the person
// already has (TOTP), one sent to them (a text), an answer given elsewhere (a push, a call),
// a browser ceremony (WebAuthn), or a standby kept for emergencies (recovery codes).
// Interactions find factors through the registry by id and never import a factor directly.
import type Router from '@koa/router';
import type { Decision, MethodId } from '../policy/types.js';
import type { Credential } from '../store/types.js';

export interface FactorAccount {
  id: string;
  username: string;
}

/**
 * How the sign-in page waits for the answer:
 * - `code`: the person types what they have or were sent;
 * - `out-of-band`: the answer arrives elsewhere (an app, a phone call); the page asks the status
 *   route until it is in, and a "Continue" button does the same without JavaScript;
 * - `browser`: the page's script runs a ceremony with the browser (WebAuthn).
 */
export type Waiting = 'code' | 'out-of-band' | 'browser';

/** A setup in progress: what its page shows, and what must be kept (encrypted) until it is proven. */
export interface EnrollmentStart {
  view: Record<string, unknown>;
  pending: Record<string, unknown>;
}

/** Why a setup could not start; `field` names the input it is about, so the page can mark it. */
export interface SetupError {
  error: string;
  field?: string;
}

/** What setting a method up may need besides the person's input. */
export interface SetupContext {
  /** The policy the new method is set up to meet, when there is one (a rule may ask more of it:
   * a call PIN). */
  decision?: Decision;
  /** Asked right before a text is sent or a call placed to prove a number: a setup send counts in
   * the account's send allowance. A message for the person when it may not go now. */
  mayContact?(): Promise<string | undefined>;
}

/** A challenge just started: what the page shows, what to keep until the answer comes, and for how long. */
export interface ChallengeStart {
  view: Record<string, unknown>;
  state: Record<string, unknown>;
  /** Seconds the challenge may be answered. */
  expiresIn: number;
  /** Why nothing was sent after all (too many unanswered pushes): audited as a failed send;
   * the page shows `view`, which says so. */
  withheld?: string;
}

/** The sign-in a challenge is for, for methods that show it to the person (an authenticator app). */
export interface SignInRequest {
  clientId?: string | null;
  clientName?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

/** Why an answer failed. The person always sees one generic message; the audit log gets this. */
export type VerifyFailure = 'malformed' | 'wrong_code' | 'replayed' | 'no_credential' | 'too_many_tries'
  /** A call that rang out, was hung up or failed; a text or call that could not be sent. */
  | 'not_answered'
  /** A security key whose signature counter went backwards: possibly a copy. */
  | 'cloned_key'
  /** An authenticator the configuration does not accept (a model not on an allow-list). */
  | 'not_allowed';

/** Something to tell the person once they are through ("3 recovery codes left"). */
export interface FactorNotice {
  text: string;
  /** A suggestion that comes with it, such as making new recovery codes. */
  suggestion?: 'renew-recovery-codes';
}

export type VerifyResult =
  | { outcome: 'ok'; credential: Credential; /** When the answer earned more than the factor's usual amr. */ amr?: string[]; notice?: FactorNotice }
  | { outcome: 'pending' }
  | { outcome: 'denied'; /** The person said it was not them. */ fraud?: boolean }
  | { outcome: 'expired' }
  | { outcome: 'failed'; reason: VerifyFailure; /** For the audit log only: what exactly did not match. */ detail?: string };

export interface VerifyInput {
  account: FactorAccount;
  /** The person's credentials of this method, the one they chose first. */
  credentials: Credential[];
  form: Record<string, string>;
  /** What `challenge` asked to keep, when the factor has a challenge step. */
  state?: Record<string, unknown>;
}

/** Wording of a method's pages; each factor has its own (a passkey has no "code"). */
export interface FactorWording {
  /** The verify button: "Verify", "Continue". */
  submit: string;
  /** The one message a failed answer gets. */
  failed: string;
  /** For answers given elsewhere, which no one can guess from the page (a call), the reason may
   * be told: "The call wasn't answered". Typed answers always get `failed`. */
  failedBecause?: Partial<Record<VerifyFailure, string>>;
  /** The resend button, for factors that can start a challenge again: "Send a new code". */
  resend?: string;
  /** How "Use a different verification option" lists it, when not by its description. */
  option?: string;
}

export interface Factor {
  id: MethodId;
  /** RFC 8176 method references this factor adds to `amr`, unless a result says otherwise. */
  amr: string[];
  /** Bound to the site, so a look-alike site cannot relay it (passkeys, security keys). */
  phishingResistant: boolean;
  /** "Authenticator app": the method in lists and headings. */
  title: string;
  /** One line on how it works, for the setup choice. */
  description: string;
  waiting: Waiting;
  wording: FactorWording;
  /**
   * A fallback kept for emergencies (recovery codes): never the default, not a method of its own
   * when deciding whether someone has set one up, and provisioned without a proof.
   */
  standby?: {
    /** Creates (or replaces) the person's set and returns what is shown once. With `keepExisting`
     * (the set that comes with a first method) a set already there stays, and nothing is returned. */
    provision(account: FactorAccount, options?: { keepExisting?: boolean }): Promise<{ view: Record<string, unknown> } | undefined>;
    /** What the security-info page says about the set: "7 of 10 codes left". */
    summary(credential: Credential): string;
  };
  /** Setting the method up: absent for standby factors. */
  enroll?: {
    /** `input` is what the person gave when choosing the method (a phone number): a bad one gets
     * a message naming what is wrong. */
    begin(account: FactorAccount, input: Record<string, string>, context?: SetupContext): Promise<EnrollmentStart | SetupError>;
    /** What the choice page shows for this method before `begin` (a country picker and a number
     * field), rendered by views/factors/<id>/begin.njk. Absent when `begin` needs no input. */
    form?(decision?: Decision): Record<string, unknown>;
    /** Proves the new method with one verification and saves it. `claim` is called once the proof
     * holds and before saving: it takes the pending setup, so racing submissions save it once. */
    finish(account: FactorAccount, pending: Record<string, unknown>, form: Record<string, string>, claim: () => Promise<boolean>): Promise<VerifyResult>;
  };
  /** Sends a text, places a call or pushes a notification. Absent for a code the person already
   * has: then nothing is started or kept, and the page costs nothing to show again. */
  challenge?(account: FactorAccount, credential: Credential, request?: SignInRequest): Promise<ChallengeStart>;
  /** For `out-of-band` factors: whether the answer is in, without using it up. */
  peek?(state: Record<string, unknown>): Promise<'pending' | 'answered'>;
  verify(input: VerifyInput): Promise<VerifyResult>;
  /**
   * For a method whose credentials differ in what they prove (a call answered with a PIN, or with
   * # alone): whether this credential can meet the decision, and whether a sign-in the method
   * proved, with this amr, does. Absent: every credential of the method can.
   */
  meets?: {
    credential(credential: Credential, decision: Decision): boolean;
    proof(amr: string[], decision: Decision): boolean;
  };
  /** A label safe to show, with any number masked: "Authenticator app (Work phone)". */
  describe(credential: Credential): string;
  /** Endpoints the factor answers outside the sign-in pages (a device approving a push, a
   * telephony callback), authenticated by their own means. */
  routes?(): Router;
  /** Its browser script, served from public/factors/<id>/. */
  script?: string;
  /**
   * For a method that proves who the person is on its own (a passkey): the sign-in page's
   * ceremony without a username. `verify` finds the credential from the answer; an `ok` result's
   * credential names the account and its `amr` says what was proven (with `user` when the
   * authenticator verified the person).
   */
  firstFactor?: {
    challenge(): Promise<ChallengeStart>;
    verify(form: Record<string, string>, state: Record<string, unknown>): Promise<VerifyResult>;
  };
}
