// What both the provider's `mfa` check and the interaction pages ask: what does policy
// require of this sign-in, which of the person's methods can meet it, and does the session
// already meet it.
import type { Audit } from '../audit/audit.js';
import type { FactorRegistry } from '../factors/registry.js';
import type { FraudReports } from '../fraud/fraudReports.js';
import type { Factor } from '../factors/types.js';
import type { Logger } from '../log.js';
import { decide } from '../policy/decide.js';
import type { PolicySource } from '../policy/source.js';
import type { Decision } from '../policy/types.js';
import type { AcrLevels } from '../provider/acr.js';
import type { Regulator } from '../regulation/regulator.js';
import type { Credential, MfaStore } from '../store/types.js';
import type { AccountDirectory, DirectoryAccount } from './accountDirectory.js';
import { bypasses } from './bypasses.js';
import { rememberedDevices } from './rememberedDevices.js';
import { sessionMethods } from './sessionMethods.js';

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
  /** Seconds a sign-in session lasts: how long the methods that proved it are kept. */
  sessionTtl?: number;
  /** Fraud reports and the blocks they put on an account's second factor. */
  fraud?: FraudReports;
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
  /** Where the request came from: kept as the remembered device's last address. */
  ip?: string;
}

export type Satisfaction = 'not-required' | 'second-factor' | 'remembered-device' | 'enrollment-skipped' | 'bypass' | false;

export interface UsableMethod {
  credential: Credential;
  factor: Factor;
}

export type MfaService = ReturnType<typeof createMfaService>;

export function createMfaService(deps: MfaDeps) {
  const { store, factors, acr } = deps;
  const devices = rememberedDevices(store.devices, store.credentials, deps.now);
  const provenBy = sessionMethods(store.challenges, deps.sessionTtl ?? 86400);
  const bypass = bypasses(store.challenges, deps.now, deps.sessionTtl ?? 86400);
  const levels = { sfa: acr.sfa, mfa: acr.mfa, phishingResistant: acr.phishingResistant };

  const service = {
    deps,
    devices,
    provenBy,
    bypasses: bypass,

    /** Spends the account's one-time bypass on this sign-in, where one may count: never against a
     * relying party's acr request (it gets a real second factor) nor a fraud block. */
    async useBypass(accountId: string, decision: Decision, loginTs: number) {
      if (decision.require !== 'mfa' || decision.floor || (await service.blocked(accountId))) return undefined;
      return bypass.use(accountId, loginTs);
    },

    decide(account: DirectoryAccount, request: RequestFacts): Decision {
      return decide({ account, client: { id: request.clientId }, request: { ip: request.ip, acr: request.acr }, acrLevels: levels }, deps.policies.current(), { explain: false });
    },

    /** The implemented factors the decision allows; under `strength: phishing-resistant`, only
     * those the registry knows to resist phishing. */
    allowedFactors(decision: Decision): Factor[] {
      const all = factors.allowed(decision.methods);
      return decision.strength === 'any' ? all : all.filter((factor) => factor.phishingResistant);
    },

    /** Factors a person can set up as a method of their own (standbys come with the first one). */
    enrollableFactors(decision: Decision): Factor[] {
      return service.allowedFactors(decision).filter((factor) => factor.enroll && !factor.standby);
    },

    /** The person's credentials that can meet the decision: the default first, standbys last. */
    async usableMethods(accountId: string, decision: Decision): Promise<UsableMethod[]> {
      const allowed = new Map(service.allowedFactors(decision).map((factor) => [factor.id as string, factor]));
      const credentials = await store.credentials.list(accountId);
      const rank = (method: UsableMethod) => (method.credential.isDefault ? 0 : method.factor.standby ? 2 : 1);
      return credentials
        .filter((credential) => {
          const factor = allowed.get(credential.method);
          return factor !== undefined && (factor.meets?.credential(credential, decision) ?? true);
        })
        .map((credential) => ({ credential, factor: allowed.get(credential.method)! }))
        .sort((a, b) => rank(a) - rank(b));
    },

    /** Whether the person has a method of their own for this decision; recovery codes alone do not
     * count, so someone left with only those sets up a method again. */
    hasOwnMethod(usable: UsableMethod[]): boolean {
      return usable.some((method) => !method.factor.standby);
    },

    /** Whether the account's second factor is blocked after a fraud report. */
    async blocked(accountId: string): Promise<boolean> {
      return Boolean(deps.fraud && (await deps.fraud.blockOf(accountId)));
    },

    /** Whether an authentication that used these methods, with this amr and acr, meets the
     * decision's second factor: it was multi-factor, strong enough, and one of its methods is one
     * the decision accepts (two methods can give the same amr: an app code and a recovery code). */
    meets(proven: string[], { amr, acr: level }: { amr: string[]; acr?: string }, decision: Decision): boolean {
      const allowed = new Map(service.allowedFactors(decision).map((factor) => [factor.id as string, factor]));
      const strongEnough = decision.strength === 'any' || level === acr.phishingResistant;
      // A re-authentication with the second factor alone keeps the session's multi-factor acr
      // while its amr names only that factor (see loginResult.ts).
      const multiFactor = amr.includes('mfa') || level === acr.mfa || level === acr.phishingResistant;
      const accepted = (method: string) => {
        const factor = allowed.get(method);
        return factor !== undefined && (factor.meets?.proof(amr, decision) ?? true);
      };
      return multiFactor && strongEnough && proven.some(accepted);
    },

    /** Whether the session meets the decision without asking the person anything, and why. */
    async satisfies(session: SessionFacts, decision: Decision): Promise<Satisfaction> {
      if (decision.require === 'none') return 'not-required';
      if (decision.require === 'block') return false;
      // A blocked second factor counts for nothing, remembered or not, until an administrator lifts it.
      if (await service.blocked(session.accountId)) return false;
      if (session.loginTs !== undefined && service.meets(await provenBy.list(session.accountId, session.loginTs), session, decision)) return 'second-factor';
      // A relying party that asked for an acr gets it for real: no remembered device, no skipped setup.
      if (decision.floor) return false;
      if (await devices.recognise(session.deviceToken, session.accountId, decision, session.ip)) return 'remembered-device';
      if (session.loginTs !== undefined && (await bypass.usedFor(session.accountId, session.loginTs))) return 'bypass';
      if (decision.enrollment === 'optional' && session.loginTs !== undefined
        && (await store.enrollmentSkips.matches(session.accountId, session.loginTs))
        && !service.hasOwnMethod(await service.usableMethods(session.accountId, decision))) {
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
  // Whatever the request holds: only strings count, so a malformed claims parameter asks for nothing.
  const claim = (parsed as { id_token?: { acr?: { essential?: unknown; value?: unknown; values?: unknown } } } | undefined)?.id_token?.acr;
  const strings = (value: unknown) => (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
  const fromClaim = claim?.essential === true ? [...strings(claim.values), ...strings(claim.value)] : [];
  return [...new Set([...fromParam, ...fromClaim])];
}
