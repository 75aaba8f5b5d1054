// Code arithmetic for hardware tokens: TOTP with a remembered drift, HOTP with a look-ahead
// window and a wider resynchronisation window. Guardrails are fixed values, not options.
import { hotpCode, matchTotp, normalizeCode, type OtpAlgorithm } from '../otpCodes.js';
import { seedBytes } from './seed.js';

export type TokenKind = 'totp' | 'hotp';

/** What a token's `data` says about its codes. */
export interface TokenParams {
  kind: TokenKind;
  digits: 6 | 8;
  /** Seconds per code (TOTP). */
  period: number;
  algorithm: OtpAlgorithm;
}

export const tokenLimits = Object.freeze({
  /** TOTP: steps either side of the token's remembered drift. */
  driftSteps: 1,
  /** TOTP: the furthest a token's clock may wander, in steps, before it must be re-issued. */
  maxDrift: 10,
  /** HOTP: codes ahead of the last one used that are accepted as they are. */
  lookAhead: 10,
  /** HOTP: codes ahead that a second, consecutive code can resynchronise to. */
  resyncWindow: 100,
  /** HOTP: seconds the first of two resynchronising codes waits for the second. */
  resyncSeconds: 300,
});

export function tokenParams(data: Record<string, unknown>): TokenParams {
  return {
    kind: data.kind === 'hotp' ? 'hotp' : 'totp',
    digits: data.digits === 8 ? 8 : 6,
    period: typeof data.period === 'number' && data.period > 0 ? data.period : 30,
    algorithm: data.algorithm === 'sha256' || data.algorithm === 'sha512' ? data.algorithm : 'sha1',
  };
}

/** The code as typed, or undefined when it cannot be one of this token's. */
export function tokenCode(input: string | undefined, params: TokenParams): string | undefined {
  const code = normalizeCode(input);
  return new RegExp(`^\\d{${params.digits}}$`).test(code) ? code : undefined;
}

/** The time step of a TOTP code, looked for around now shifted by the drift seen last time, and
 * the drift it shows now (in steps). */
export async function matchTokenTotp(hexSeed: string, code: string, unixSeconds: number, params: TokenParams, drift: number): Promise<{ step: number; drift: number } | undefined> {
  const shifted = unixSeconds + drift * params.period;
  const step = await matchTotp(seedBytes(hexSeed), code, shifted, { digits: params.digits, period: params.period, algorithm: params.algorithm });
  if (step === undefined) return undefined;
  const seen = step - Math.floor(unixSeconds / params.period);
  return Math.abs(seen) > tokenLimits.maxDrift ? undefined : { step, drift: seen };
}

/** The HOTP counter among `from` .. `from + count - 1` whose code this is. */
export async function findHotp(hexSeed: string, code: string, from: number, count: number, params: TokenParams): Promise<number | undefined> {
  const seed = seedBytes(hexSeed);
  for (let counter = Math.max(0, from); counter < from + count; counter++) {
    if ((await hotpCode(seed, counter, { digits: params.digits, algorithm: params.algorithm })) === code) return counter;
  }
  return undefined;
}

/** The counter after the last one used. */
export const nextCounter = (lastUsed: number | null) => (lastUsed ?? -1) + 1;
