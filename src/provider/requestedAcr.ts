// The acr a relying party asked for, and the one it gets back (OpenID Connect Core 5.5.1.1):
// the strongest requested value the authentication satisfies, never a value it did not ask
// for when it made acr essential, and a refusal, not a weaker sign-in, when none can be met.
import Provider, { errors, interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { AcrLevels } from './acr.js';

export interface AcrRequest {
  values: string[];
  essential: boolean;
}

/** The `acr` member of the ID token claims request; oidc-provider turns `acr_values` into a voluntary one. */
export function acrRequestOf(claims: unknown): AcrRequest | undefined {
  const acr = (claims as { id_token?: { acr?: { essential?: unknown; value?: unknown; values?: unknown } | null } } | undefined)?.id_token?.acr;
  if (!acr) return undefined;
  const values = [
    ...(Array.isArray(acr.values) ? acr.values.filter((v): v is string => typeof v === 'string') : []),
    ...(typeof acr.value === 'string' ? [acr.value] : []),
  ];
  return values.length ? { values, essential: acr.essential === true } : undefined;
}

/** Each level with the levels it satisfies: phishing-resistant satisfies mfa, which satisfies sfa. */
function ranks(levels: AcrLevels): Map<string, number> {
  return new Map([[levels.sfa, 1], [levels.mfa, 2], [levels.phishingResistant, 3]]);
}

/** The acr to put in tokens for a session at `sessionAcr` answering `request`. */
export function acrToReport(sessionAcr: string | undefined, request: AcrRequest | undefined, levels: AcrLevels): string | undefined {
  if (!sessionAcr || !request) return sessionAcr;
  const rank = ranks(levels);
  const reached = rank.get(sessionAcr) ?? 0;
  const satisfied = request.values.filter((value) => (rank.get(value) ?? Infinity) <= reached);
  if (!satisfied.length) return sessionAcr;
  return satisfied.reduce((best, value) => (rank.get(value)! > rank.get(best)! ? value : best));
}

/** An essential acr request Twofold cannot meet with any authentication: none of its values is known. */
export function unmeetable(request: AcrRequest | undefined, levels: AcrLevels): boolean {
  if (!request?.essential) return false;
  const rank = ranks(levels);
  return !request.values.some((value) => rank.has(value));
}

/**
 * Makes tokens carry the acr the relying party asked for. oidc-provider copies `ctx.oidc.acr`
 * (the session's level) into authorization codes and ID tokens; the session keeps its real
 * level, and each request reports the strongest value it asked for that the level satisfies.
 */
export function reportRequestedAcr(provider: Provider, levels: AcrLevels): void {
  const { prototype } = (provider as unknown as { OIDCContext: { prototype: object } }).OIDCContext;
  Object.defineProperty(prototype, 'acr', {
    configurable: true,
    get(this: KoaContextWithOIDC['oidc']) {
      return acrToReport(this.session?.acr, acrRequestOf(this.claims), levels);
    },
  });
}

/** A login check that refuses, before anyone signs in, an essential acr no authentication here can give. */
export function unmeetableAcrCheck(levels: AcrLevels): interactionPolicy.Check {
  return new interactionPolicy.Check('essential_acr_unmeetable', 'none of the essential acr values can be satisfied', 'unmet_authentication_requirements', (ctx) => {
    const request = acrRequestOf(ctx.oidc.claims);
    if (unmeetable(request, levels)) {
      throw new errors.UnmetAuthenticationRequirements(`none of the essential acr values (${request!.values.join(', ')}) can be satisfied; supported: ${[...ranks(levels).keys()].join(', ')}`);
    }
    return false;
  });
}
