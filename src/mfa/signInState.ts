// What Twofold remembers about one sign-in while the second factor runs, keyed by the
// interaction: oidc-provider keeps only its own fields on an Interaction. Stored encrypted and
// bound to the interaction and the account (see sealContext.challenge), so a challenge started
// in one sign-in cannot be answered in another.
import type { FactorNotice } from '../factors/types.js';
import type { UsedFactor } from './loginResult.js';
import type { ChallengeStore } from '../store/types.js';

/** A challenge started once (a text sent, a call placed) and kept until answered or expired. */
export interface ActiveChallenge {
  credentialId: string;
  method: string;
  /** What the factor asked to keep (a code's hash, a call id); never shown. */
  state: Record<string, unknown>;
  /** What the page shows ("We texted +1 ••• ••42"). */
  view: Record<string, unknown>;
  startedAt: number;
  expiresAt: number;
}

/** A factor proven in this interaction, with one more page to show before the sign-in goes on
 * (recovery codes to save, how many codes are left). */
export interface ProvenFactor extends UsedFactor {
  /** The account's methods version right after the proof: a reset or a removal since voids it. */
  methodsVersion: number;
  /** The method just set up, when this was a setup. */
  setUp?: string;
  notice?: FactorNotice;
  /** A standby just provisioned (a new set of recovery codes): its factor and what it shows,
   * until the person continues. */
  provisioned?: { factor: string; view: Record<string, unknown> };
  /** The provisioned standby was shown and is not shown again. */
  provisionedShown?: boolean;
}

export interface SignInState {
  accountId: string;
  /** Factors behind this sign-in: ['pwd'] after the password page, or the session's amr on a step-up. */
  amr: string[];
  /** Factors proven in this interaction (the session's earlier ones are not). Without one, the
   * sign-in may not be finished as a new authentication. */
  proven: string[];
  /** Seconds since the epoch when the password was proven in this interaction, if it was. */
  passwordAt?: number;
  /** The credential that was the first factor (a passkey), which cannot be the second too. */
  firstFactorCredential?: string;
  /** The credential the person chose with "Use a different verification option". */
  credentialId?: string;
  /** Set when the relying party's max_age sent a session with a second factor back to verify:
   * the session's acr, kept when the factor alone re-authenticates it. */
  reauthenticating?: string;
  challenge?: ActiveChallenge;
  done?: ProvenFactor;
  /** The person denied this sign-in (and said whether it was fraud): it can only end, with access_denied. */
  denied?: 'fraud' | 'denied';
  /** After a first setup, the person chose "Add another method": setup pages stay open to them. */
  addingAnother?: boolean;
}

/** A method being set up: its id, its page, and what the factor must keep until it is proven.
 * Kept apart from the sign-in state so that proving it can take it exactly once. */
export interface PendingSetup {
  method: string;
  pending: Record<string, unknown>;
  view: Record<string, unknown>;
}

export const setupKey = (uid: string) => `setup:${uid}`;

/** Long enough to set up an app; setting up a method later needs a fresh password again. */
export const signInStateTtl = 10 * 60;

export function signInStates(challenges: ChallengeStore) {
  return {
    async load(uid: string): Promise<SignInState | undefined> {
      const found = await challenges.get(uid);
      return found && ({ ...found.data, accountId: found.accountId } as SignInState);
    },
    save(uid: string, state: SignInState): Promise<void> {
      const { accountId, ...data } = state;
      return challenges.put(uid, accountId, data, signInStateTtl);
    },
    async clear(uid: string): Promise<void> {
      await Promise.all([challenges.delete(uid), challenges.delete(setupKey(uid))]);
    },
  };
}

/** Setups in progress, for the sign-in pages (keyed by interaction) and security info (keyed by
 * person): saved when begun, read to re-show, taken once when proven. */
export function pendingSetups(challenges: ChallengeStore) {
  return {
    save(key: string, accountId: string, setup: PendingSetup): Promise<void> {
      return challenges.put(key, accountId, { ...setup }, signInStateTtl);
    },
    async load(key: string, accountId: string): Promise<PendingSetup | undefined> {
      const saved = await challenges.get(key);
      return saved?.accountId === accountId ? (saved.data as unknown as PendingSetup) : undefined;
    },
    /** For the factor's `claim`: true for exactly one of racing proofs. */
    claimer(key: string): () => Promise<boolean> {
      return async () => (await challenges.take(key)) !== undefined;
    },
  };
}
