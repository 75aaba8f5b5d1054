// Password rules (NIST SP 800-63B) and hashing with argon2id at OWASP's recommended cost (19 MiB, t=2, p=1).
import { dictionary } from '@zxcvbn-ts/language-common';
import argon2 from 'argon2';

export const passwordHashOptions = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** NIST SP 800-63B: at least 8 characters when used with a second factor, no composition rules; a cap keeps hashing bounded. */
export const passwordRules = { minLength: 8, maxLength: 256 } as const;

// NIST SP 800-63B 3.1.1.2: a new password is checked against commonly used, expected or
// compromised values. The list is the one zxcvbn-ts ships and keeps: about 49,000 passwords
// most often found in leaked-password lists, ranked by frequency, all lower case (about
// 18,000 are long enough to pass the length rule). Built on first use.
let common: Set<string> | undefined;
const commonPasswords = () => (common ??= new Set(dictionary['passwords-common']));
/** The service's own name, alone or with only digits and symbols around it ("Twofold2025!"):
 * what people choose here that no general list has. */
const serviceName = /^[\d\W_]*twofold[\d\W_]*$/u;

/** Compared without case: "Password1" is as guessable as "password1". */
const fold = (text: string) => text.normalize('NFKC').trim().toLowerCase();

/** Why the password cannot be used, or undefined. `username` adds it to the words refused. */
export function checkPasswordRules(password: string, { username }: { username?: string } = {}): string | undefined {
  const length = [...password].length;
  if (length < passwordRules.minLength) return `a password must have at least ${passwordRules.minLength} characters`;
  if (length > passwordRules.maxLength) return `a password must have at most ${passwordRules.maxLength} characters`;
  const folded = fold(password);
  if (commonPasswords().has(folded) || serviceName.test(folded)) {
    return 'this password is on the list of the most commonly used passwords, which attackers try first: choose another (a few unrelated words make a good one)';
  }
  if (username && folded === fold(username)) return 'a password must not be the username';
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
