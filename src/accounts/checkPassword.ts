// The password step: one argon2 verification whether or not the account exists,
// so the response time does not tell which usernames are real.
import type { Account, AccountStore } from '../store/types.js';
import { decoyHash, hashPassword, passwordNeedsRehash, verifyPassword } from './password.js';

export type PasswordCheck =
  | { ok: true; account: Account }
  | { ok: false; reason: 'unknown_user' | 'wrong_password'; account?: Account }
  | { ok: false; reason: 'disabled'; account: Account };

/** Checks the password of an account already looked up by username (undefined when none matched). */
export async function checkPassword(accounts: AccountStore, account: Account | undefined, password: string): Promise<PasswordCheck> {
  const hash = account ? await accounts.passwordHash(account.id) : undefined;
  const matches = await verifyPassword(hash ?? (await decoyHash()), password);
  if (!account) return { ok: false, reason: 'unknown_user' };
  if (!hash || !matches) return { ok: false, reason: 'wrong_password', account };
  // Only someone who knows the password learns that the account is disabled.
  if (account.disabled) return { ok: false, reason: 'disabled', account };
  if (passwordNeedsRehash(hash)) await accounts.setPasswordHash(account.id, await hashPassword(password));
  return { ok: true, account };
}
