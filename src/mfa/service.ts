// What both the provider's `mfa` check and the interaction pages ask: what does policy
// require of this sign-in, which of the person's methods can meet it, and does the session
// already meet it.
import type { Audit } from '../audit/audit.js';
import type { FactorRegistry } from '../factors/registry.js';
import type { Factor } from '../factors/types.js';
import type { Logger } from '../log.js';
import { decide } from '../policy/decide.js';
import type { PolicySource } from '../policy/source.js';
import type { Decision } from '../policy/types.js';
import type { AcrLevels } from '../provider/acr.js';
import type { Regulator } from '../regulation/regulator.js';
import type { Credential, MfaStore } from '../store/types.js';
import type { AccountDirectory, DirectoryAccount } from './accountDirectory.js';
import { rememberedDevices } from './rememberedDevices.js';

export interface MfaDeps {
  store: MfaStore;
  directory: AccountDirectory;
  policies: PolicySource;
  factors: FactorRegistry;
  regulator: Regulator;
  audit: Audit;
  acr: AcrLevels;
  log: Logger;
  now: () => number;
}

export interface RequestFacts {
  clientId: string;
  ip: string;
  /** acr values the relying party asked for. */
  acr: string[];
}

export interface SessionFacts {
  accountId: string;
  amr: string[];
  acr?: string;
  loginTs?: number;
  /** The remembered-device cookie, if the browser sent one. */
  deviceToken?: string;
}

export type Satisfaction = 'not-required' | 'second-factor' | 'remembered-device' | 'enrollment-skipped' | false;

export interface UsableMethod {
  credential: Credential;
  factor: Factor;
}

export type MfaService = ReturnType<typeof createMfaService>;

export function createMfaService(deps: MfaDeps) {
  const { store, factors, acr } = deps;
  const devices = rememberedDevices(store.devices, store.credentials, deps.now);
  const levels = { sfa: acr.sfa, mfa: acr.mfa, phishingResistant: acr.phishingResistant };

  const service = {
    deps,
    devices,

    decide(account: DirectoryAccount, request: RequestFacts): Decision {
      return decide({ account, client: { id: request.clientId }, request: { ip: request.ip, acr: request.acr }, acrLevels: levels }, deps.policies.current(), { explain: false });
    },

    /** The implemented factors the decision allows (strength already applied to its methods). */
    allowedFactors(decision: Decision): Factor[] {
      return factors.allowed(decision.methods);
    },

    /** The person's credentials that can meet the decision, the default first. */
    async usableMethods(accountId: string, decision: Decision): Promise<UsableMethod[]> {
      const allowed = new Map(service.allowedFactors(decision).map((factor) => [factor.id as string, factor]));
      const credentials = await store.credentials.list(accountId);
      return credentials
        .filter((credential) => allowed.has(credential.method))
        .sort((a, b) => Number(b.isDefault) - Number(a.isDefault))
        .map((credential) => ({ credential, factor: allowed.get(credential.method)! }));
    },

    /** Whether the session meets the decision without asking the person anything, and why. */
    async satisfies(session: SessionFacts, decision: Decision): Promise<Satisfaction> {
      if (decision.require === 'none') return 'not-required';
      if (decision.require === 'block') return false;
      const countable = new Set(service.allowedFactors(decision).flatMap((factor) => factor.amr));
      const strongEnough = decision.strength === 'any' || session.acr === acr.phishingResistant;
      if (session.amr.includes('mfa') && session.amr.some((value) => countable.has(value)) && strongEnough) return 'second-factor';
      // A relying party that asked for an acr gets it for real: no remembered device, no skipped setup.
      if (decision.floor) return false;
      if (await devices.recognise(session.deviceToken, session.accountId, decision)) return 'remembered-device';
      if (decision.enrollment === 'optional' && session.loginTs !== undefined
        && (await store.enrollmentSkips.matches(session.accountId, session.loginTs))
        && (await service.usableMethods(session.accountId, decision)).length === 0) {
        return 'enrollment-skipped';
      }
      return false;
    },
  };
  return service;
}

/** acr values a relying party asked for: acr_values, or an essential acr claim in `claims`. */
export function requestedAcr(params: Record<string, unknown>, claims?: unknown): string[] {
  const fromParam = typeof params.acr_values === 'string' ? params.acr_values.split(' ').filter(Boolean) : [];
  let parsed = claims ?? params.claims;
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      parsed = undefined;
    }
  }
  const claim = (parsed as { id_token?: { acr?: { essential?: boolean; value?: string; values?: string[] } } } | undefined)?.id_token?.acr;
  const fromClaim = claim?.essential ? [...(claim.values ?? []), ...(claim.value ? [claim.value] : [])] : [];
  return [...new Set([...fromParam, ...fromClaim])];
}
