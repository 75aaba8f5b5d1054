// Who, where and from what browser, for every audit record a sign-in page makes.
import type { Context } from 'koa';
import type { DirectoryAccount } from '../src/mfa/accountDirectory.js';
import type { Interaction } from './interaction.js';

export function auditFields(ctx: Context, interaction: Interaction, account?: DirectoryAccount) {
  return {
    accountId: account?.id, username: account?.username, clientId: String(interaction.params.client_id),
    ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined,
  };
}
