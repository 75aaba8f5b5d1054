// What an administrator does for one person, from the console, the API or both: find, create,
// change, disable, groups, methods, unlock, unblock, one-time bypass. Each operation validates all
// of its input before it changes anything, and records itself with the administrator as actor.
import { createAccount } from '../accounts/createAccount.js';
import { gate } from '../regulation/decide.js';
import type { Account } from '../store/types.js';
import { StoreConflictError } from '../store/types.js';
import { describeIssues, InvalidInputError } from '../validation.js';
import { type Actor, type AdminDeps, NotFoundError } from './adminDeps.js';
import { bypassBody, createUserBody, updateUserBody } from './schemas.js';

export interface UserSummary {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  phone: string | null;
  groups: string[];
  disabled: boolean;
}

export interface MethodView {
  id: string;
  method: string;
  /** Masked, as the person's own security-info page shows it. */
  label: string;
  isDefault: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface UserDetail extends UserSummary {
  emailVerified: boolean;
  phoneVerified: boolean;
  createdAt: number;
  methods: MethodView[];
  rememberedDevices: number;
  /** Locks after failed attempts: until a time, until an administrator unlocks (null), or none. */
  locks: { mfa?: { until: number | null }; password?: { until: number | null } };
  fraudBlock?: { since: number; until: number | null };
  bypass?: { issuedBy: string; issuedAt: number; expiresAt: number };
}

const summary = (account: Account): UserSummary => ({
  id: account.id, username: account.username, displayName: account.displayName, email: account.email, phone: account.phone, groups: account.groups, disabled: account.disabled,
});

const invalid = (error: import('zod').ZodError) => new InvalidInputError(describeIssues(error));

export function adminUsers(deps: AdminDeps) {
  const { store, audit, factors } = deps;
  const record = (account: Account, actor: Actor, type: string, reason?: string, method?: string) =>
    audit.record({ type, result: 'ok', accountId: account.id, username: account.username, actor, reason, method });

  const find = async (id: string): Promise<Account> => {
    const account = await store.accounts.findById(id);
    if (!account) throw new NotFoundError(`there is no user with id '${id}'`);
    return account;
  };

  const operations = {
    find,

    /** People whose name, username, email or phone contains the query (any case; spaces in phone numbers ignored). */
    async search(query: string, limit = 50): Promise<UserSummary[]> {
      const needle = query.trim().toLowerCase();
      const digits = needle.replace(/[\s()-]/g, '');
      const all = await store.accounts.list();
      const matches = needle ? all.filter((account) => [account.username, account.displayName, account.email].some((value) => value?.toLowerCase().includes(needle))
        || (digits.length >= 3 && /^\+?\d+$/.test(digits) && account.phone?.includes(digits))) : all;
      return matches.sort((a, b) => a.username.localeCompare(b.username)).slice(0, limit).map(summary);
    },

    async detail(id: string): Promise<UserDetail> {
      const account = await find(id);
      const at = deps.now();
      const [credentials, devices, mfaState, passwordState, block, bypass] = await Promise.all([
        store.credentials.list(id), store.devices.list(id), store.attempts.get(`mfa:${id}`), store.attempts.get(`password:${id}`),
        store.fraud.blockOf(id, at), deps.bypasses.pending(id),
      ]);
      const lock = (state: typeof mfaState) => {
        const open = gate(state, at);
        return open.allowed ? undefined : { until: open.until };
      };
      return {
        ...summary(account),
        emailVerified: account.emailVerified,
        phoneVerified: account.phoneVerified,
        createdAt: account.createdAt,
        methods: credentials.map((credential) => {
          const factor = factors.get(credential.method);
          const label = factor?.standby ? `${factor.title}s: ${factor.standby.summary(credential)}` : (factor?.describe(credential) ?? credential.method);
          return { id: credential.id, method: credential.method, label, isDefault: credential.isDefault, createdAt: credential.createdAt, lastUsedAt: credential.lastUsedAt };
        }),
        rememberedDevices: devices.length,
        locks: { mfa: lock(mfaState), password: lock(passwordState) },
        fraudBlock: block && { since: block.since, until: block.until },
        bypass,
      };
    },

    async create(actor: Actor, input: unknown): Promise<UserSummary> {
      const parsed = createUserBody.safeParse(input);
      if (!parsed.success) throw invalid(parsed.error);
      let account: Account;
      try {
        account = await createAccount(store.accounts, parsed.data);
      } catch (error) {
        if (error instanceof StoreConflictError) throw new InvalidInputError([`username: '${parsed.data.username}' is taken`]);
        throw error;
      }
      await record(account, actor, 'user.create');
      return summary(account);
    },

    /** Changes the fields given, all or none: everything is checked before the first write. */
    async update(actor: Actor, id: string, input: unknown): Promise<UserSummary> {
      const parsed = updateUserBody.safeParse(input);
      if (!parsed.success) throw invalid(parsed.error);
      const account = await find(id);
      const { disabled, groups, ...profile } = parsed.data;
      const email = profile.email === undefined ? account.email : profile.email;
      const phone = profile.phone === undefined ? account.phone : profile.phone;
      const problems = [
        ...(profile.emailVerified && !email ? ['emailVerified: there is no email address to verify'] : []),
        ...(profile.phoneVerified && !phone ? ['phoneVerified: there is no phone number to verify'] : []),
      ];
      if (!Object.keys(parsed.data).length) problems.push('input: nothing to change');
      if (problems.length) throw new InvalidInputError(problems);
      // A changed address or number is no longer vouched for unless the administrator says so.
      const change = {
        ...profile,
        ...(profile.email !== undefined && profile.email !== account.email && profile.emailVerified === undefined ? { emailVerified: false } : {}),
        ...(profile.phone !== undefined && profile.phone !== account.phone && profile.phoneVerified === undefined ? { phoneVerified: false } : {}),
      };
      if (Object.keys(change).length) {
        await store.accounts.updateProfile(id, change);
        await record(account, actor, 'user.update', `changed ${Object.keys(change).join(', ')}`);
      }
      if (groups) {
        const unique = [...new Set(groups)];
        await store.accounts.setGroups(id, unique);
        await record(account, actor, 'user.groups', `groups now: ${unique.join(', ') || '(none)'}`);
      }
      if (disabled !== undefined && disabled !== account.disabled) {
        await store.accounts.setDisabled(id, disabled);
        // A disabled account's sessions and tokens end with it.
        if (disabled) await store.endAccountSessions(id);
        await record(account, actor, disabled ? 'user.disable' : 'user.enable');
      }
      return summary(await find(id));
    },

    /** "Require re-registration": every method and remembered device goes, and every session;
     * the next sign-in sets up a method again. */
    async requireReregistration(actor: Actor, id: string) {
      const account = await find(id);
      const methods = await store.credentials.removeAll(id);
      const devices = await store.devices.removeAll(id);
      const sessions = await store.endAccountSessions(id);
      await record(account, actor, 'user.reset-mfa', `removed ${methods} methods and recovery code sets, ${devices} remembered devices, ${sessions} sessions and tokens`);
      return { methods, devices, sessions };
    },

    async removeMethod(actor: Actor, id: string, credentialId: string) {
      const account = await find(id);
      const credential = (await store.credentials.list(id)).find((candidate) => candidate.id === credentialId);
      if (!credential) throw new NotFoundError(`user '${account.username}' has no method with id '${credentialId}'`);
      await store.credentials.remove(id, credentialId);
      await record(account, actor, 'method.remove', 'removed by an administrator', credential.method);
    },

    /** Lifts lockouts after failed attempts (second factor and password). */
    async unlock(actor: Actor, id: string) {
      const account = await find(id);
      await Promise.all([deps.regulator.unlock('mfa', id), deps.regulator.unlock('password', id)]);
      await record(account, actor, 'user.unlock');
    },

    /** Lifts a fraud report's block on the second factor; false when there was none. */
    async unblock(actor: Actor, id: string): Promise<boolean> {
      const account = await find(id);
      return deps.fraud.unblock({ accountId: id, username: account.username }, actor);
    },

    async issueBypass(actor: Actor, id: string, input: unknown) {
      const parsed = bypassBody.safeParse(input ?? {});
      if (!parsed.success) throw invalid(parsed.error);
      const account = await find(id);
      if (account.disabled) throw new InvalidInputError(['user: the account is disabled: enable it first']);
      const bypass = await deps.bypasses.issue(id, parsed.data.minutes, actor);
      await record(account, actor, 'bypass.issue', `the next sign-in within ${parsed.data.minutes} minutes skips the second factor`);
      return bypass;
    },

    async revokeBypass(actor: Actor, id: string): Promise<boolean> {
      const account = await find(id);
      const revoked = await deps.bypasses.revoke(id);
      if (revoked) await record(account, actor, 'bypass.revoke');
      return revoked;
    },
  };
  return operations;
}

export type AdminUsers = ReturnType<typeof adminUsers>;
