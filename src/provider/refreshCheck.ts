// A refresh grant is a sign-in the person is not present for: re-evaluate at every refresh
// what can be decided without them (the account still exists and is enabled, the policy does
// not now block them at this application), refuse with invalid_grant, and audit the refusal.
import type Provider from 'oidc-provider';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Audit } from '../audit/audit.js';
import type { MfaService } from '../mfa/service.js';
import type { Account } from '../store/types.js';

/** Throws invalid_grant when the refresh must be refused; runs inside oidc-provider's findAccount. */
export type RefreshCheck = (ctx: KoaContextWithOIDC, accountId: string, account: Account | undefined, clientId: string) => Promise<void>;

const audited = Symbol('refresh refusal audited');

export function refreshCheck({ mfa, audit }: { mfa: Pick<MfaService, 'decide'>; audit: Audit }): RefreshCheck {
  return async (ctx, accountId, account, clientId) => {
    let reason: string | undefined;
    let rule: string | undefined;
    if (!account) reason = 'account removed';
    else if (account.disabled) reason = 'account disabled';
    else {
      // No acr: the application's original request is not kept with the token, and what the
      // sign-in achieved is not a request. The address is the one refreshing: for a server-side
      // application, its server's.
      const decision = mfa.decide({ id: account.id, username: account.username, groups: account.groups }, { clientId, ip: ctx.ip, acr: [] });
      if (decision.require === 'block') {
        reason = 'policy blocks this application';
        rule = decision.rule;
      }
    }
    if (!reason) return;
    await audit.record({
      type: 'refresh', result: 'fail', reason, rule, accountId, username: account?.username, clientId, ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined,
    });
    const refusal = new errors.InvalidGrant(`refresh token refused (${reason})`);
    Object.defineProperty(refusal, audited, { value: true });
    throw refusal;
  };
}

/** Audits every other refused refresh too (not found after an administrator ended the account's
 * sessions, expired, already used, revoked), for whoever investigates later. */
export function auditRefreshFailures(provider: Provider, audit: Audit): void {
  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: Error & { error?: string; error_detail?: string }) => {
    if (ctx.oidc?.params?.grant_type !== 'refresh_token' || error.error !== 'invalid_grant' || audited in error) return;
    void audit.record({
      type: 'refresh', result: 'fail', reason: error.error_detail ?? error.message,
      accountId: ctx.oidc.entities.RefreshToken?.accountId, clientId: ctx.oidc.client?.clientId, ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined,
    }).catch(() => undefined);
  });
}
