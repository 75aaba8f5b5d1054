// Starting a challenge once: a text is sent (a call placed, a push delivered) when the method is
// first shown, and showing the page again (after a wrong code, while locked, on reload) shows the
// same challenge. "Send a new code" is the only way to start another, throttled per account.
import type { Audit } from '../audit/audit.js';
import type { FactorAccount } from '../factors/types.js';
import type { Refusal, Regulator } from '../regulation/regulator.js';
import type { UsableMethod } from './service.js';
import type { ActiveChallenge, SignInState } from './signInState.js';
import { type AnswerContext, refusalReason } from './verification.js';

export interface ChallengeDeps {
  regulator: Regulator;
  audit: Audit;
  now: () => number;
  save(state: SignInState): Promise<void>;
}

export interface ChallengeShown {
  state: SignInState;
  /** Undefined for a factor with nothing to start (a code the person already has). */
  challenge?: ActiveChallenge;
  /** Why no new challenge could be started (too many sends); the old one, if any, stands. */
  refusal?: Refusal;
}

/** The challenge for the chosen method: the one already under way, or, when there is none for
 * it (or the person asked to resend), a new one. */
export async function challengeFor(deps: ChallengeDeps, account: FactorAccount, state: SignInState, method: UsableMethod, context: AnswerContext, { resend = false, clientName }: { resend?: boolean; clientName?: string } = {}): Promise<ChallengeShown> {
  const { factor, credential } = method;
  if (!factor.challenge) return { state };
  const existing = state.challenge?.credentialId === credential.id ? state.challenge : undefined;
  if (existing && !resend) return { state, challenge: existing };

  const record = (result: 'ok' | 'fail', reason: string) =>
    deps.audit.record({ ...context, type: 'mfa.challenge', method: factor.id, result, reason });
  const refusal = await deps.regulator.send(account.id, context.ip, { resend });
  if (refusal) {
    await record('fail', refusalReason(refusal));
    return { state, challenge: existing, refusal };
  }
  const started = await factor.challenge(account, credential, { clientId: context.clientId, clientName, ip: context.ip, userAgent: context.userAgent });
  const at = deps.now();
  const challenge: ActiveChallenge = {
    credentialId: credential.id, method: factor.id, state: started.state, view: started.view, startedAt: at, expiresAt: at + started.expiresIn * 1000,
  };
  const next = { ...state, challenge };
  await deps.save(next);
  await record(started.withheld ? 'fail' : 'ok', started.withheld ?? (resend ? 'sent again' : 'sent'));
  return { state: next, challenge };
}

export const isExpired = (challenge: ActiveChallenge, now: number) => challenge.expiresAt <= now;
