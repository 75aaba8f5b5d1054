// Password hashing with argon2id at OWASP's recommended cost (19 MiB, t=2, p=1).
import argon2 from 'argon2';

export const passwordHashOptions = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** NIST SP 800-63B: at least 8 characters when used with a second factor, no composition rules; a cap keeps hashing bounded. */
export const passwordRules = { minLength: 8, maxLength: 256 } as const;

export function checkPasswordRules(password: string): string | undefined {
  const length = [...password].length;
  if (length < passwordRules.minLength) return `a password must have at least ${passwordRules.minLength} characters`;
  if (length > passwordRules.maxLength) return `a password must have at most ${passwordRules.maxLength} characters`;
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password.normalize('NFKC'), passwordHashOptions);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password.normalize('NFKC'));
  } catch {
    return false;
  }
}

export function passwordNeedsRehash(hash: string): boolean {
  return argon2.needsRehash(hash, passwordHashOptions);
}

let decoy: Promise<string> | undefined;
/** A hash to verify against when the account does not exist, so both paths cost the same. */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword('decoy password that never matches');
  return decoy;
}
