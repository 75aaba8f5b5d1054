// The policy vocabulary admins write (policies/*.yaml) and the decision the engine returns.
import type { Cidr } from './cidr.js';

export const methodIds = ['push', 'totp', 'webauthn', 'sms', 'voice', 'oath', 'recovery'] as const;
export type MethodId = (typeof methodIds)[number];

export type Requirement = 'none' | 'mfa' | 'block';
export type Strength = 'any' | 'phishing-resistant';
export type Enrollment = 'required' | 'optional';
export type AppPasswords = 'allowed' | 'forbidden';
export type CallPin = 'required' | 'optional';

/** What a rule or the defaults set; a rule's missing fields come from the defaults. */
export interface Outcome {
  require: Requirement;
  methods: MethodId[];
  strength: Strength;
  /** Seconds a device may skip the second factor after "don't ask again"; 0 = never. */
  remember: number;
  enrollment: Enrollment;
  /** Whether app passwords (for apps that only send a username and a password) may be used. */
  appPasswords: AppPasswords;
  /** Whether a call counts only when answered with the person's PIN (then #), not # alone. */
  callPin: CallPin;
}

export interface Conditions {
  clients?: string[];
  users?: string[];
  groups?: string[];
  /** CIDR blocks, IPv4 or IPv6, parsed when the policy is loaded. */
  network?: Cidr[];
  /** acr values the relying party asked for (acr_values or an essential acr claim). */
  acr?: string[];
}

export interface Rule extends Partial<Outcome> {
  name: string;
  when: Conditions;
  /** Where the rule was written, for messages: "policies/default.yaml:12". */
  source?: string;
}

export interface PolicySet {
  defaults: Outcome;
  rules: Rule[];
}

export interface DecisionContext {
  account: { id: string; username: string; groups: string[] };
  client: { id: string };
  request: { ip: string; acr: string[] };
  /** The acr values that stand for one factor, two factors and phishing resistance. */
  acrLevels: { sfa: string; mfa: string; phishingResistant: string };
}

/** The relying party's acr request, raised into a requirement the policy cannot lower. */
export type Floor = 'mfa' | 'phishing-resistant';

export interface TraceEntry {
  rule: string;
  matched: boolean;
  /** Why the rule did or did not match, one line per condition. */
  reasons: string[];
}

export interface Decision extends Outcome {
  /** The rule that matched, or "defaults". */
  rule: string;
  floor?: Floor;
  trace: TraceEntry[];
}
