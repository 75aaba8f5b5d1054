// Brute-force regulation as plain calculations over a subject's recorded state.
// An attempt is counted when it starts (before the code is checked), so a burst of
// parallel guesses cannot get past the threshold; a success clears the count.
import { freshRegulationState, type RegulationState } from '../store/types.js';

export interface LockoutRules {
  /** Consecutive failures that lock; every further multiple locks again, for twice as long. */
  threshold: number;
  /** Seconds the first lock lasts. */
  lockSeconds: number;
  /** Consecutive failures after which only an administrator can unlock (null: never). */
  permanentAfter: number | null;
  /** Longest a doubled lock may last, in seconds. */
  maxLockSeconds: number;
}

export type Gate = { allowed: true } | { allowed: false; until: number | null };

export function gate(state: RegulationState, now: number): Gate {
  if (state.permanent) return { allowed: false, until: null };
  if (state.lockedUntil !== null && state.lockedUntil > now) return { allowed: false, until: state.lockedUntil };
  return { allowed: true };
}

/** The state once an attempt starts; it stays counted as a failure unless a success follows. */
export function startAttempt(state: RegulationState, now: number, rules: LockoutRules): RegulationState {
  if (!gate(state, now).allowed) return state;
  const failures = state.failures + 1;
  if (rules.permanentAfter !== null && failures >= rules.permanentAfter) {
    return { failures, locks: state.locks + 1, lockedUntil: null, permanent: true };
  }
  if (failures % rules.threshold !== 0) return { ...state, failures };
  const locks = state.locks + 1;
  const seconds = Math.min(rules.lockSeconds * 2 ** (locks - 1), rules.maxLockSeconds);
  return { failures, locks, lockedUntil: now + seconds * 1000, permanent: false };
}

/** Guesses left before the next lock (or the permanent one, if sooner); 0 while locked. */
export function triesLeft(state: RegulationState, now: number, rules: LockoutRules): number {
  if (!gate(state, now).allowed) return 0;
  const beforeLock = rules.threshold - (state.failures % rules.threshold);
  return rules.permanentAfter === null ? beforeLock : Math.min(beforeLock, rules.permanentAfter - state.failures);
}

export function afterSuccess(): RegulationState {
  return { ...freshRegulationState };
}

export interface SendRules {
  /** Seconds between two sends to one account ("Send a new code" right after a send waits). */
  minIntervalSeconds: number;
  /** Sends to one account within the window. */
  perWindow: number;
  windowSeconds: number;
}

/** Whether another text, call or push may go to the account now, given when earlier ones went
 * (oldest first); when not, the time it may. The first challenge of a sign-in waits for no
 * interval, only for the window's allowance: the interval is there to slow "send again". */
export function decideSend(sentAt: number[], now: number, rules: SendRules, { resend }: { resend: boolean }): { allowed: true } | { allowed: false; retryAt: number } {
  const inWindow = sentAt.filter((at) => at > now - rules.windowSeconds * 1000);
  const last = inWindow.at(-1);
  const waits: number[] = [];
  if (resend && last !== undefined && last + rules.minIntervalSeconds * 1000 > now) waits.push(last + rules.minIntervalSeconds * 1000);
  if (inWindow.length >= rules.perWindow) waits.push(inWindow[inWindow.length - rules.perWindow]! + rules.windowSeconds * 1000);
  return waits.length ? { allowed: false, retryAt: Math.max(...waits) } : { allowed: true };
}
