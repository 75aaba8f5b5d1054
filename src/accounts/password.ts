// Password rules (NIST SP 800-63B) and hashing with argon2id at OWASP's recommended cost
// (19 MiB, t=2, p=1), through @node-rs/argon2: about three times faster here than the `argon2`
// package with the same parameters (README "Performance"), and it reads the hashes that package wrote.
import { dictionary } from '@zxcvbn-ts/language-common';
import { hash, parseOptions, verify } from '@node-rs/argon2';

/** @node-rs/argon2's `Algorithm.Argon2id` (a const enum, which isolated modules cannot read). */
const argon2id = 2;
/** Its `Version.V0x13`: argon2 version 19. */
const version19 = 1;

export const passwordHashOptions = { algorithm: argon2id, version: version19, memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

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
  return hash(password.normalize('NFKC'), passwordHashOptions);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password.normalize('NFKC'));
  } catch {
    return false;
  }
}

/** Whether a stored hash was made with other parameters (or another algorithm) than today's. */
export function passwordNeedsRehash(stored: string): boolean {
  try {
    const { algorithm, version, memoryCost, timeCost, parallelism, outputLen } = parseOptions(stored);
    const want = passwordHashOptions;
    return algorithm !== want.algorithm || version !== want.version || memoryCost !== want.memoryCost
      || timeCost !== want.timeCost || parallelism !== want.parallelism || outputLen !== want.outputLen;
  } catch {
    return true;
  }
}

let decoy: Promise<string> | undefined;
/** A hash to verify against when the account does not exist, so both paths cost the same. */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword('decoy password that never matches');
  return decoy;
}
