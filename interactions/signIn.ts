// Handing a sign-in from its first factor to policy, and finishing it with the factors
// actually used. `login` is finished once, with the full amr, so an abandoned second
// factor leaves no session behind.
import type { Context } from 'koa';
import type { DirectoryAccount } from '../src/mfa/accountDirectory.js';
import { loginResult, type UsedFactor } from '../src/mfa/loginResult.js';
import { deviceCookie } from '../src/mfa/rememberedDevices.js';
import { type RequestFacts, requestedAcr } from '../src/mfa/service.js';
import { type SignInState, signInStates } from '../src/mfa/signInState.js';
import type { AnswerContext } from '../src/mfa/verification.js';
import type { Decision } from '../src/policy/types.js';
import type { InteractionDeps } from './deps.js';
import { finishInteraction, type Interaction } from './interaction.js';
import { auditFields } from './auditFields.js';
import { renderBlocked } from './pages.js';

export const nowSeconds = (deps: InteractionDeps) => Math.floor(deps.mfa.deps.now() / 1000);

/** oidc-provider keeps session times (auth_time, max_age) on the system clock. */
export const sessionTime = () => Math.floor(Date.now() / 1000);

export function requestFacts(ctx: Context, interaction: Interaction): RequestFacts {
  return { clientId: String(interaction.params.client_id), ip: ctx.ip, acr: requestedAcr(interaction.params) };
}

export { auditFields };

/** Who is answering where, for the pipeline's audit records. */
export function answerContext(ctx: Context, interaction: Interaction, account: DirectoryAccount, type: string, decision?: Decision): AnswerContext {
  return { ...auditFields(ctx, interaction, account), accountId: account.id, type, rule: decision?.rule };
}

/**
 * Finishes `login` with the factors used. Only something proven in this interaction makes a new
 * authentication (and a new auth_time): otherwise the interaction ends with no result and
 * oidc-provider asks again for whatever the request still lacks.
 */
export async function finishSignIn(ctx: Context, deps: InteractionDeps, interaction: Interaction, state: SignInState, used?: UsedFactor, ts = sessionTime()) {
  await signInStates(deps.store.challenges).clear(interaction.uid);
  const login = loginResult(state, used, deps.acr);
  if (!login) return finishInteraction(ctx, deps.provider, {});
  if (used?.method) await deps.mfa.provenBy.record(state.accountId, ts, [used.method]);
  await finishInteraction(ctx, deps.provider, { login: { accountId: state.accountId, ...login, ts, remember: true } });
}

/** When the policy no longer asks for a second factor (it blocks, or requires none), sends
 * that answer and returns true; a policy reload mid sign-in lands here. */
export async function settledByPolicy(ctx: Context, deps: InteractionDeps, { interaction, state, decision, account }: { interaction: Interaction; state: SignInState; decision: Decision; account?: DirectoryAccount }): Promise<boolean> {
  if (decision.require === 'block') await renderBlocked(ctx, deps, interaction, account, decision.rule);
  else if (decision.require === 'none') await finishSignIn(ctx, deps, interaction, state);
  return decision.require !== 'mfa';
}

/**
 * After a first factor (the password, a passkey, or a host's own login): decide, then finish or
 * ask for a second factor. A first factor that is already two (a passkey that verified the
 * person: amr [swk, user]) finishes the sign-in when it meets the policy as a second factor would.
 */
export async function completePrimary(ctx: Context, deps: InteractionDeps, interaction: Interaction, account: DirectoryAccount, amr: string[], { phishingResistant = false, credentialId, method }: { phishingResistant?: boolean; credentialId?: string; method?: string } = {}) {
  const decision = deps.mfa.decide(account, requestFacts(ctx, interaction));
  const state: SignInState = { accountId: account.id, amr, proven: amr, passwordAt: amr.includes('pwd') ? nowSeconds(deps) : undefined, firstFactorCredential: credentialId };
  const used = { method, amr, phishingResistant };
  await deps.mfa.deps.audit.record({ type: 'policy', result: 'info', rule: decision.rule, reason: `require ${decision.require}${decision.floor ? ` (floor ${decision.floor})` : ''}`, ...auditFields(ctx, interaction, account) });

  if (decision.require === 'none') return finishSignIn(ctx, deps, interaction, state, used);
  // Kept for a block too, so that leaving the blocked page is logged as the policy's doing.
  await signInStates(deps.store.challenges).save(interaction.uid, state);
  if (decision.require === 'block') return renderBlocked(ctx, deps, interaction, account, decision.rule);
  const login = loginResult(state, used, deps.acr)!;
  // A first factor that is two factors already (a passkey that verified the person) may meet the policy on its own.
  if (method && deps.mfa.meets([method], login, decision)) {
    await deps.mfa.deps.audit.record({ type: 'mfa.skip', result: 'ok', reason: `the first factor was multi-factor (${login.amr.join(' ')})`, rule: decision.rule, ...auditFields(ctx, interaction, account) });
    return finishSignIn(ctx, deps, interaction, state, used);
  }
  const satisfied = await deps.mfa.satisfies({ accountId: account.id, amr: login.amr, acr: login.acr, deviceToken: ctx.cookies.get(deviceCookie, { signed: true }), ip: ctx.ip }, decision);
  if (satisfied === 'remembered-device') {
    await deps.mfa.deps.audit.record({ type: 'mfa.skip', result: 'ok', reason: 'remembered device', rule: decision.rule, ...auditFields(ctx, interaction, account) });
    return finishSignIn(ctx, deps, interaction, state, used);
  }
  // An administrator's one-time bypass: spent here, once, and the session remembers it.
  const ts = sessionTime();
  const bypass = await deps.mfa.useBypass(account.id, decision, ts);
  if (bypass) {
    await deps.mfa.deps.audit.record({ type: 'mfa.bypass', result: 'ok', reason: 'one-time bypass used', actor: bypass.issuedBy, rule: decision.rule, ...auditFields(ctx, interaction, account) });
    return finishSignIn(ctx, deps, interaction, state, used, ts);
  }
  ctx.status = 303;
  ctx.redirect(`/interaction/${interaction.uid}/mfa`);
}
