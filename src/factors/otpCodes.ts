// One-time password arithmetic (RFC 4226 HOTP, RFC 6238 TOTP) on otplib, with Twofold's
// fixed choices and otplib's throws turned into plain answers.
import { generate, verify } from 'otplib';

export type OtpAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type OtpSecret = string | Uint8Array;

export interface TotpOptions {
  algorithm?: OtpAlgorithm;
  digits?: 6 | 8;
  period?: number;
}

export const totpDefaults = { algorithm: 'sha1', digits: 6, period: 30 } as const;
/** One time step of clock drift either way. */
export const totpDrift = 1;

export function totpCode(secret: OtpSecret, unixSeconds: number, options: TotpOptions = {}): Promise<string> {
  return generate({ secret, epoch: unixSeconds, ...totpDefaults, ...options });
}

export function hotpCode(secret: OtpSecret, counter: number, options: Omit<TotpOptions, 'period'> = {}): Promise<string> {
  return generate({ strategy: 'hotp', secret, counter, algorithm: totpDefaults.algorithm, digits: totpDefaults.digits, ...options });
}

/** The time step whose code this is (within the allowed drift), or undefined. */
export async function matchTotp(secret: OtpSecret, code: string, unixSeconds: number, options: TotpOptions = {}): Promise<number | undefined> {
  const { period, digits, algorithm } = { ...totpDefaults, ...options };
  if (!new RegExp(`^\\d{${digits}}$`).test(code)) return undefined;
  const result = await verify({ secret, token: code, epoch: unixSeconds, epochTolerance: totpDrift * period, period, digits, algorithm });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

/** People type codes with spaces ("123 456"); keep the digits only. */
export function normalizeCode(input: string | undefined): string {
  return (input ?? '').replace(/[\s-]/g, '');
}
