// Accounts as oidc-provider sees them, and the claims each scope releases.
import type { FindAccount } from 'oidc-provider';
import type { AccountStore } from '../store/types.js';
import type { RefreshCheck } from './refreshCheck.js';

export const claimsByScope = {
  openid: ['sub', 'acr', 'amr', 'auth_time'],
  profile: ['name', 'preferred_username'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  groups: ['groups'],
};

export function findAccountIn(accounts: AccountStore, checkRefresh?: RefreshCheck): FindAccount {
  return async (ctx, sub, token) => {
    const account = await accounts.findById(sub);
    // oidc-provider looks the account up during every refresh grant, with the refresh token.
    if (checkRefresh && token?.kind === 'RefreshToken') await checkRefresh(ctx, sub, account, token.clientId!);
    // A disabled account stops working everywhere: userinfo, refresh and new sign-ins.
    if (!account || account.disabled) return undefined;
    return {
      accountId: account.id,
      async claims() {
        return {
          sub: account.id,
          preferred_username: account.username,
          ...(account.displayName ? { name: account.displayName } : {}),
          // OpenID Connect Core 5.4: each comes with whether it was verified.
          ...(account.email ? { email: account.email, email_verified: account.emailVerified } : {}),
          ...(account.phone ? { phone_number: account.phone, phone_number_verified: account.phoneVerified } : {}),
          groups: account.groups,
        };
      },
    };
  };
}
