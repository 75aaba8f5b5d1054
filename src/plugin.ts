// Twofold as a plugin: everything an oidc-provider deployment needs to add policy-driven
// second factors. The ready provider is built from the same pieces.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { interactionPolicy } from 'oidc-provider';
import { type Audit, createAudit } from './audit/audit.js';
import { createFactors, type FactorConfig, type FactorRegistry } from './factors/registry.js';
import { createFraudReports, type FraudBlockRule } from './fraud/fraudReports.js';
import { createCsrf } from './http/csrf.js';
import { createTickets } from './http/signedTicket.js';
import { createViews, type Views } from './http/views.js';
import { type Logger, silentLogger } from './log.js';
import type { AccountDirectory } from './mfa/accountDirectory.js';
import type { PhoneService } from './phone/phoneService.js';
import { createMfaService, type MfaService } from './mfa/service.js';
import type { PolicySource } from './policy/source.js';
import { type AcrLevels, acrLevels } from './provider/acr.js';
import { claimsByScope } from './provider/findAccount.js';
import { basePolicy, withMfaPrompt } from './provider/interactionPolicy.js';
import { createRegulator, defaultRegulationRules, type RegulationRules } from './regulation/regulator.js';
import type { MfaStore } from './store/types.js';
import type { InteractionDeps } from '../interactions/deps.js';
import { twofoldRoutes } from '../interactions/mfaRoutes.js';
import { completePrimary } from '../interactions/signIn.js';

export interface TwofoldOptions {
  /** Twofold's own store: credentials, sign-in state, regulation, devices, audit. */
  store: MfaStore;
  policies: PolicySource;
  /** Looks up the accounts of the host: id, username, groups. */
  directory: AccountDirectory;
  /** Keys for the CSRF tokens of Twofold's forms (at least 32 characters). */
  cookieKeys: string[];
  /** The name authenticator apps show above the code. */
  issuerName?: string;
  /** The provider's public URL: passkeys are bound to its host unless configured otherwise, and the
   * authenticator app's activation links start with it. */
  issuer?: string;
  /** Options of the factors (see the README's configuration table); defaults for what is not given. */
  factors?: Partial<FactorConfig>;
  acr?: AcrLevels;
  regulation?: RegulationRules;
  views?: Views;
  log?: Logger;
  now?: () => number;
  /** Seconds a sign-in session lasts (oidc-provider's Session ttl): how long Twofold remembers
   * which methods proved it. Default one day. */
  sessionTtl?: number;
  /** Lets a person confirm their password before setting up a method on an older session. */
  confirmPassword?: (accountId: string, password: string) => Promise<boolean>;
  /** Texts and calls for the phone methods (src/phone/); without it they say they are unavailable. */
  phone?: PhoneService;
  /** Told when a person proves a phone number is theirs (to mark it verified on their account). */
  phoneVerified?: (accountId: string, e164: string) => Promise<void>;
  /** What a fraud report does to the account's second factor (default: blocked until unblocked). */
  fraudBlock?: FraudBlockRule;
}

export interface Twofold {
  mfa: MfaService;
  factors: FactorRegistry;
  audit: Audit;
  acr: AcrLevels;
  /** oidc-provider's `acrValues`. */
  acrValues: string[];
  /** Claims the `openid` scope must release for `acr` and `amr` to reach ID tokens. */
  openidClaims: string[];
  /** The interaction policy with the `mfa` prompt after login. */
  interactionPolicy(base?: interactionPolicy.Prompt[]): interactionPolicy.Prompt[];
  /** Everything the interaction controllers need, once the provider exists. */
  interactionDeps(provider: Provider): InteractionDeps;
  /** Koa middleware serving Twofold's pages under /interaction/:uid/mfa, and the factors' own
   * endpoints. Keep the host's own interaction pages at oidc-provider's default
   * /interaction/:uid, so the interaction cookie reaches Twofold's, and send the `mfa` prompt to
   * /interaction/:uid/mfa. */
  routes(provider: Provider): ReturnType<ReturnType<typeof twofoldRoutes>['routes']>;
  /** Call instead of finishing `login` once the host has checked the first factor. */
  completeLogin(ctx: Context, provider: Provider, result: { accountId: string; amr: string[] }): Promise<void>;
}

export function createTwofold(options: TwofoldOptions): Twofold {
  const now = options.now ?? Date.now;
  const log = options.log ?? silentLogger;
  const acr = options.acr ?? acrLevels('http://schemas.openid.net/pape/policies/2007/06/phishing-resistant');
  const views = options.views ?? createViews();
  const csrf = createCsrf(options.cookieKeys[0]!);
  const tickets = createTickets(options.cookieKeys[0]!);
  const factors = createFactors({
    credentials: options.store.credentials, challenges: options.store.challenges, phone: options.phone, phoneVerified: options.phoneVerified,
    tokens: options.store.tokens, push: options.store.push, issuerName: options.issuerName ?? 'Twofold', issuer: options.issuer, log, now,
  }, options.factors);
  const audit = createAudit(options.store.audit, log, now);
  const regulator = createRegulator(options.store.attempts, options.regulation ?? defaultRegulationRules, now);
  const fraud = createFraudReports({ store: options.store.fraud, audit, rule: options.fraudBlock ?? 'until-unblocked', now });
  const mfa = createMfaService({ store: options.store, directory: options.directory, policies: options.policies, factors, regulator, audit, acr, log, now, fraud, sessionTtl: options.sessionTtl });

  const interactionDeps = (provider: Provider): InteractionDeps => ({
    provider, store: options.store, views, csrf, tickets, log, acr, mfa, confirmPassword: options.confirmPassword,
  });

  return {
    mfa,
    factors,
    audit,
    acr,
    acrValues: [acr.sfa, acr.mfa, acr.phishingResistant],
    openidClaims: claimsByScope.openid,
    interactionPolicy: (base = basePolicy()) => withMfaPrompt(mfa, base),
    interactionDeps,
    routes: (provider) => twofoldRoutes(interactionDeps(provider)).routes(),
    async completeLogin(ctx, provider, { accountId, amr }) {
      const account = await options.directory.find(accountId);
      if (!account) throw new Error(`completeLogin: the directory has no account '${accountId}'`);
      const interaction = await provider.interactionDetails(ctx.req, ctx.res);
      await completePrimary(ctx, interactionDeps(provider), interaction, account, amr);
    },
  };
}
