// The order of prompts: login, then Twofold's mfa, then consent.
import { interactionPolicy } from 'oidc-provider';
import type { MfaService } from '../mfa/service.js';
import { mfaPrompt } from './mfaPrompt.js';
import { unmeetableAcrCheck } from './requestedAcr.js';

/**
 * login and consent, without the built-in essential_acr(s) checks: they re-fire login until it
 * yields the asked acr, and Twofold answers acr requests with a second factor instead. Login also
 * fires for a session whose account is gone or disabled: findAccount no longer finds it.
 */
export function basePolicy(): interactionPolicy.Prompt[] {
  const policy = interactionPolicy.base();
  const login = policy.get('login')!;
  login.checks.remove('essential_acrs');
  login.checks.remove('essential_acr');
  login.checks.add(new interactionPolicy.Check('account_unavailable', "the session's account is no longer available", 'login_required',
    (ctx) => Boolean(ctx.oidc.session?.accountId && !ctx.oidc.account)), 1);
  return policy;
}

/** A policy (by default `basePolicy()`) with the mfa prompt added right after login, and login
 * refusing an essential acr that no authentication can give before anyone types a password. */
export function withMfaPrompt(service: MfaService, policy: interactionPolicy.Prompt[] = basePolicy()): interactionPolicy.Prompt[] {
  const loginAt = policy.findIndex((prompt) => prompt.name === 'login');
  policy[loginAt]?.checks.add(unmeetableAcrCheck(service.deps.acr), 0);
  policy.splice(loginAt + 1, 0, mfaPrompt(service));
  return policy;
}
