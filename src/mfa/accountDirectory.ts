// Who is signing in, as far as policy and factors need to know. The ready provider reads its
// own accounts; a plugin host supplies a lookup into its own.
import type { AccountStore } from '../store/types.js';

export interface DirectoryAccount {
  id: string;
  username: string;
  groups: string[];
}

export interface AccountDirectory {
  find(accountId: string): Promise<DirectoryAccount | undefined>;
}

export function storeDirectory(accounts: AccountStore): AccountDirectory {
  return {
    async find(accountId) {
      const account = await accounts.findById(accountId);
      return account && !account.disabled ? { id: account.id, username: account.username, groups: account.groups } : undefined;
    },
  };
}
