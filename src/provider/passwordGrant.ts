// The resource-owner password grant (RFC 6749 section 4.3), for clients registered `--legacy` only:
// apps that can only send a username and a password. Where the policy requires a second factor
// for that person and client, only an app password is accepted, never the account password;
// where it forbids app passwords, only the account password (and only if no second factor is
// due). The same regulation as the sign-in page (lockout, per-network limit) and the same audit.
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { findAppPassword } from '../accounts/appPasswords.js';
import { checkPassword } from '../accounts/checkPassword.js';
import { normalizeUsername } from '../accounts/validate.js';
import type { Audit } from '../audit/audit.js';
import type { MfaService } from '../mfa/service.js';
import { refusalReason } from '../mfa/verification.js';
import type { Store } from '../store/types.js';
import type { AcrLevels } from './acr.js';
import { findAccountIn } from './findAccount.js';

export const passwordGrantType = 'password';
const parameters = ['username', 'password', 'scope'];
/** Shown in the server log only: oidc-provider answers every invalid_grant with the same
 * generic description, and which part was wrong is for the audit log. */
const failure = 'the username or password is incorrect, or this sign-in needs an app password';

export interface PasswordGrantDeps {
  store: Pick<Store, 'accounts' | 'appPasswords'>;
  mfa: MfaService;
  audit: Audit;
  acr: AcrLevels;
}

export function registerPasswordGrant(provider: Provider, { store, mfa, audit, acr }: PasswordGrantDeps): void {
  const { regulator, now } = mfa.deps;
  const findAccount = findAccountIn(store.accounts as Store['accounts']);
  provider.registerGrantType(passwordGrantType, async (ctx: KoaContextWithOIDC) => {
    const client = ctx.oidc.client!;
    const params = ctx.oidc.params as { username?: unknown; password?: unknown; scope?: unknown };
    const username = typeof params.username === 'string' ? params.username.trim().slice(0, 256) : '';
    const password = typeof params.password === 'string' ? params.password.slice(0, 1024) : '';
    if (!username || !password) throw new errors.InvalidRequest('username and password are required');
    const account = await store.accounts.findByUsername(normalizeUsername(username));
    const fields = { clientId: client.clientId, ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined, accountId: account?.id, username: account?.username ?? username };
    const fail = async (reason: string, method = 'password'): Promise<never> => {
      await audit.record({ type: 'password.grant', result: 'fail', method, reason, ...fields });
      throw new errors.InvalidGrant(failure);
    };

    // Unknown usernames are regulated too, as on the sign-in page.
    const attempt = await regulator.begin('password', account?.id ?? `unknown:${normalizeUsername(username)}`, ctx.ip);
    if (attempt.refusal) {
      await audit.record({ type: 'password.grant', result: 'fail', reason: refusalReason(attempt.refusal), ...fields });
      throw new errors.InvalidGrant('too many failed attempts: try again later');
    }
    const person = account && !account.disabled ? await mfa.deps.directory.find(account.id) : undefined;
    const decision = person && mfa.decide(person, { clientId: client.clientId, ip: ctx.ip, acr: [] });
    const appPasswordsAllowed = decision?.appPasswords !== 'forbidden';
    const appPassword = account && appPasswordsAllowed ? await findAppPassword(store.appPasswords, account.id, password) : undefined;

    if (!account || !person || !decision) {
      // As many hash checks as for a real account (an app password, then the password), so the
      // time taken does not tell which usernames exist.
      if (!account) await findAppPassword(store.appPasswords, 'no-such-account', password);
      await checkPassword(store.accounts, undefined, password);
      await attempt.failed();
      return fail(account ? 'account disabled' : 'unknown user');
    }
    if (decision.require === 'block') {
      await attempt.failed();
      return fail(`blocked by policy rule '${decision.rule}'`);
    }
    let method: string;
    if (appPassword) {
      method = 'app_password';
    } else if (decision.require === 'mfa') {
      // The account password alone would skip the second factor: never here.
      const check = await checkPassword(store.accounts, account, password);
      await attempt.failed();
      if (!appPasswordsAllowed) return fail(`app passwords are forbidden by policy rule '${decision.rule}', which also requires a second factor: this grant cannot succeed`);
      return fail(check.ok ? `account password refused: policy rule '${decision.rule}' requires a second factor, so only an app password will do` : 'wrong app password');
    } else {
      const check = await checkPassword(store.accounts, account, password);
      if (!check.ok) {
        await attempt.failed();
        return fail(appPasswordsAllowed ? 'wrong password or app password' : `wrong password (app passwords are forbidden by rule '${decision.rule}')`);
      }
      method = 'password';
    }
    await attempt.succeeded();
    if (appPassword) await store.appPasswords.touch(appPassword.id, now());
    await audit.record({
      type: 'password.grant', result: 'ok', method, rule: decision.rule, ...fields,
      reason: appPassword ? `app password '${appPassword.name}' (${appPassword.id})` : 'account password: no second factor required',
    });

    const scope = [...new Set(String(params.scope ?? 'openid').split(' ').filter((value) => client.scope ? client.scope.split(' ').includes(value) : true))]
      .filter((value) => ['openid', 'profile', 'email', 'phone', 'groups'].includes(value)).join(' ');
    const { AccessToken, IdToken, Grant } = provider;
    const grant = new Grant({ accountId: account.id, clientId: client.clientId });
    grant.addOIDCScope(scope);
    const grantId = await grant.save();
    const authTime = Math.floor(now() / 1000);
    const amr = ['pwd'];
    const at = new AccessToken({ accountId: account.id, client, grantId, gty: passwordGrantType, scope, extra: { amr, acr: acr.sfa } });
    ctx.oidc.entity('AccessToken', at);
    const accessToken = await at.save();
    let idToken: string | undefined;
    if (scope.split(' ').includes('openid')) {
      const found = await findAccount(ctx, account.id);
      if (found) ctx.oidc.entity('Account', found);
      const claims = found ? await found.claims('id_token', scope, {}, []) : {};
      const token = new IdToken({ ...claims, sub: account.id, amr, acr: acr.sfa, auth_time: authTime }, { ctx });
      // What the ID token may carry: the claims of the scopes granted.
      Object.assign(token, { scope });
      idToken = (await token.issue({ use: 'idtoken' })) as string;
    }
    ctx.body = { access_token: accessToken, expires_in: at.expiration, token_type: at.tokenType, scope, ...(idToken ? { id_token: idToken } : {}) };
  }, parameters);
}
