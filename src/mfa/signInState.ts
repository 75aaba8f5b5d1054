// What Twofold remembers about one sign-in while the second factor runs, keyed by the
// interaction: oidc-provider keeps only its own fields on an Interaction.
import type { ChallengeStore } from '../store/types.js';

export interface SignInState {
  accountId: string;
  /** Factors behind this sign-in: ['pwd'] after the password page, or the session's amr on a step-up. */
  amr: string[];
  /** Factors proven in this interaction (the session's earlier ones are not). Without one, the
   * sign-in may not be finished as a new authentication. */
  proven: string[];
  /** Seconds since the epoch when the password was proven in this interaction, if it was. */
  passwordAt?: number;
  /** The credential the person chose with "Use a different verification option". */
  credentialId?: string;
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
