import type { Account, AccountStore } from '../store/types.js';
import { checkPasswordRules, hashPassword } from './password.js';
import { describeIssues, InvalidInputError } from '../validation.js';
import { type NewAccountInput, newAccountSchema } from './validate.js';

/** Validates everything first, so a bad field leaves nothing behind. */
export async function createAccount(accounts: AccountStore, input: NewAccountInput & { password: string }): Promise<Account> {
  const parsed = newAccountSchema.safeParse(input);
  const problems = parsed.success ? [] : describeIssues(parsed.error);
  const passwordProblem = checkPasswordRules(input.password, { username: input.username });
  if (passwordProblem) problems.push(`password: ${passwordProblem}`);
  if (!parsed.success || problems.length) throw new InvalidInputError(problems);
  return accounts.create({ ...parsed.data, passwordHash: await hashPassword(input.password) });
}
