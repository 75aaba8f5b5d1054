// The `login` result a sign-in finishes with: what was proven, the acr it reaches, and whether
// it is a new authentication at all. Pure, so every way of finishing agrees.
import type { AcrLevels } from '../provider/acr.js';
import { acrFor, combineAmr } from './amr.js';
import type { SignInState } from './signInState.js';

export interface UsedFactor {
  /** The method's id (`totp`, `recovery`, ...). */
  method?: string;
  amr: string[];
  phishingResistant: boolean;
  /** A standby (a recovery code): it proves the person, but never stands in for the session's level. */
  standby?: boolean;
}

/** The login to finish with, or undefined when nothing was proven in this interaction (then the
 * interaction ends with no result and oidc-provider asks again for whatever is missing). */
export function loginResult(state: SignInState, used: UsedFactor | undefined, levels: AcrLevels): { amr: string[]; acr: string } | undefined {
  if (state.proven.length === 0 && !used?.amr.length) return undefined;
  const amr = combineAmr(state.amr, used?.amr ?? []);
  const phishingResistant = used?.phishingResistant ?? false;
  // A re-authentication (max_age) with the person's own second factor keeps the session's level
  // (NIST SP 800-63B 4.2.3), while amr says only what was used just now. Nothing used (a skipped
  // setup) or a recovery code alone keeps nothing.
  const reauthenticatedWithOwnFactor = used !== undefined && used.amr.length > 0 && !used.standby;
  const sessionWasMultiFactor = state.reauthenticating === levels.mfa || state.reauthenticating === levels.phishingResistant;
  const kept = reauthenticatedWithOwnFactor && sessionWasMultiFactor ? (phishingResistant ? levels.phishingResistant : levels.mfa) : undefined;
  return { amr, acr: kept ?? acrFor(amr, phishingResistant, levels) };
}
