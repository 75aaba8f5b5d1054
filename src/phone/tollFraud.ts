// Toll fraud: texts and calls cost money, and premium or far-away numbers are how attackers
// make them pay. A pure decision over counts of the last hour's sends and the allowed
// country calling codes; limits.ts records and counts.

export interface PhoneLimits {
  /** Sends to one number in an hour, across accounts. */
  perNumber: number;
  /** Sends for one account in an hour. */
  perAccount: number;
  /** Sends in an hour altogether. */
  global: number;
  /** Country calling codes that may be texted and called (`1`, `44`). */
  callingCodes: ReadonlySet<string>;
}

export type LimitScope = 'number' | 'account' | 'global';

/** Sends within the last hour, this one included; a scope not counted yet is left out. */
export type SendCounts = Partial<Record<LimitScope, number>>;

export type TollFraudDecision = { allowed: true } | { allowed: false; reason: 'country' | LimitScope; detail: string };

export const limitWindowMs = 60 * 60 * 1000;
export const limitScopes: readonly LimitScope[] = ['number', 'account', 'global'];

export function decideSend({ callingCode, counts, limits }: { callingCode: string | null; counts: SendCounts; limits: PhoneLimits }): TollFraudDecision {
  if (callingCode === null || !limits.callingCodes.has(callingCode)) {
    return { allowed: false, reason: 'country', detail: `calling code ${callingCode === null ? 'unknown' : `+${callingCode}`} is not allowed (allowed: ${[...limits.callingCodes].map((c) => `+${c}`).join(', ')})` };
  }
  const caps: Record<LimitScope, number> = { number: limits.perNumber, account: limits.perAccount, global: limits.global };
  for (const scope of limitScopes) {
    const count = counts[scope];
    if (count !== undefined && count > caps[scope]) {
      return { allowed: false, reason: scope, detail: `${count} sends ${scope === 'global' ? 'altogether' : `for this ${scope}`} in the last hour (limit ${caps[scope]})` };
    }
  }
  return { allowed: true };
}
