// What an administrator does for one person: look at their account (`user show`), start their
// second factor over after a lost phone (`user reset-mfa`), change their groups, remove them.
// Every change is audited with the operating-system user who made it.
import { normalizeUsername } from '../accounts/validate.js';
import { createAudit } from '../audit/audit.js';
import { createFactors } from '../factors/registry.js';
import { silentLogger } from '../log.js';
import { gate } from '../regulation/decide.js';
import type { Account, Store } from '../store/types.js';
import { groupSchema } from '../accounts/validate.js';
import { InvalidInputError } from '../validation.js';
import { adminUsers } from '../admin/users.js';
import { createFraudReports } from '../fraud/fraudReports.js';
import { bypasses } from '../mfa/bypasses.js';
import { createRegulator, defaultRegulationRules } from '../regulation/regulator.js';
import { cliActor } from './actor.js';
import { parseCommand } from './args.js';
import { type CliIo, table, UsageError } from './io.js';

export const userAdminUsage = [
  'twofold user show <username>',
  'twofold user reset-mfa <username>',
  'twofold user groups <username> [--add <group>]... [--remove <group>]...',
  'twofold user remove <username>',
  'twofold user bypass <username> [--minutes <1-30>]',
];

/** The admin console's operations, run from the command line with the operating-system user as actor. */
function cliAdminUsers(store: Store) {
  const audit = createAudit(store.audit, silentLogger);
  const factors = createFactors({ credentials: store.credentials, challenges: store.challenges, tokens: store.tokens, issuerName: 'Twofold', now: Date.now });
  return adminUsers({
    store, audit, factors, now: Date.now,
    regulator: createRegulator(store.attempts, defaultRegulationRules, Date.now),
    fraud: createFraudReports({ store: store.fraud, audit, rule: 'until-unblocked', now: Date.now }),
    bypasses: bypasses(store.challenges, Date.now, 86400),
  });
}

export async function findAccountOrFail(store: Store, command: string, username: string): Promise<Account> {
  const account = await store.accounts.findByUsername(normalizeUsername(username));
  if (!account) throw new InvalidInputError([`${command}: there is no user '${username}'`]);
  return account;
}

/** Records a change made from the command line, with who made it. */
export function recordCliChange(store: Store, type: string, account: Account, reason?: string) {
  return createAudit(store.audit, silentLogger).record({ type, result: 'ok', accountId: account.id, username: account.username, actor: cliActor(), reason });
}

const when = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString().replace('.000Z', 'Z') : 'never');

/** "locked until …", "locked until an administrator unlocks", or undefined when it is open. */
export async function lockState(store: Store, kind: 'mfa' | 'password', accountId: string, now = Date.now()): Promise<string | undefined> {
  const open = gate(await store.attempts.get(`${kind}:${accountId}`), now);
  if (open.allowed) return undefined;
  return open.until === null ? 'locked until an administrator unlocks' : `locked until ${when(open.until)}`;
}

export async function userAdminCommand(store: Store, sub: string, argv: string[], io: CliIo): Promise<void> {
  switch (sub) {
    case 'show': {
      const { args } = parseCommand('user show', argv, {}, ['username']);
      const account = await findAccountOrFail(store, 'user show', args[0]!);
      const factors = createFactors({ credentials: store.credentials, challenges: store.challenges, tokens: store.tokens, issuerName: 'Twofold', now: Date.now });
      const [credentials, devices, recent, mfaLock, passwordLock, block] = await Promise.all([
        store.credentials.list(account.id), store.devices.list(account.id), store.audit.tail({ accountId: account.id, limit: 500 }),
        lockState(store, 'mfa', account.id), lockState(store, 'password', account.id), store.fraud.blockOf(account.id, Date.now()),
      ]);
      const lastSignIn = recent.filter((event) => event.result === 'ok' && (event.type === 'password' || event.type === 'mfa.verify')).at(-1);
      io.out(`user       ${account.username}${account.displayName ? ` (${account.displayName})` : ''}, id ${account.id}`);
      io.out(`status     ${account.disabled ? 'disabled' : 'active'}`);
      io.out(`groups     ${account.groups.join(', ') || '(none)'}`);
      io.out(`email      ${account.email ?? '(none)'}`);
      io.out(`2nd factor ${block ? `blocked by a fraud report ${block.until === null ? 'until unblocked' : `until ${when(block.until)}`}` : (mfaLock ?? 'open')}`);
      io.out(`password   ${passwordLock ?? 'open'}`);
      io.out(`last sign-in ${lastSignIn ? `${when(lastSignIn.at)}${lastSignIn.clientId ? ` at ${lastSignIn.clientId}` : ''}` : 'none recorded'}`);
      if (!credentials.length) io.out('methods    none: the next sign-in sets one up');
      else {
        io.out('methods');
        table([['METHOD', 'DEFAULT', 'ADDED', 'LAST USED'], ...credentials.map((credential) => {
          const factor = factors.get(credential.method);
          const label = factor?.standby ? `${factor.title}s: ${factor.standby.summary(credential)}` : (factor?.describe(credential) ?? credential.method);
          return [label, credential.isDefault ? 'yes' : '', when(credential.createdAt), when(credential.lastUsedAt)];
        })]).forEach((line) => io.out(`  ${line}`));
      }
      io.out(`remembered devices ${devices.length}`);
      return;
    }
    case 'reset-mfa': {
      const { args } = parseCommand('user reset-mfa', argv, {}, ['username']);
      const account = await findAccountOrFail(store, 'user reset-mfa', args[0]!);
      // Sessions and tokens earned with the old methods end too: the next sign-in starts over.
      const { methods, devices } = await cliAdminUsers(store).requireReregistration(cliActor(), account.id);
      io.out(`reset '${account.username}': ${methods} methods and ${devices} remembered devices removed, signed out everywhere; the next sign-in sets up a method again`);
      return;
    }
    case 'bypass': {
      const { values, args } = parseCommand('user bypass', argv, { minutes: { type: 'string' } }, ['username']);
      const account = await findAccountOrFail(store, 'user bypass', args[0]!);
      const minutes = values.minutes === undefined ? undefined : Number(values.minutes);
      try {
        const bypass = await cliAdminUsers(store).issueBypass(cliActor(), account.id, { minutes });
        io.out(`'${account.username}' may sign in once without a second factor until ${new Date(bypass.expiresAt).toISOString().replace('.000Z', 'Z')}`);
      } catch (error) {
        if (error instanceof InvalidInputError) throw new InvalidInputError(error.problems.map((problem) => `user bypass: ${problem.replace(/^minutes:/, '--minutes:')}`));
        throw error;
      }
      return;
    }
    case 'groups': {
      const { values, args } = parseCommand('user groups', argv, { add: { type: 'string', multiple: true }, remove: { type: 'string', multiple: true } }, ['username']);
      const account = await findAccountOrFail(store, 'user groups', args[0]!);
      const adding = values.add ?? [];
      const removing = new Set((values.remove ?? []).map((group) => group.toLowerCase()));
      if (!adding.length && !removing.size) {
        io.out(account.groups.join('\n') || '(no groups)');
        return;
      }
      const problems = adding.flatMap((group) => (groupSchema.safeParse(group).success ? [] : [`user groups: group '${group}' must be 1 to 64 characters: letters, digits and . _ -`]));
      if (problems.length) throw new InvalidInputError(problems);
      const groups = [...new Set([...account.groups.filter((group) => !removing.has(group.toLowerCase())), ...adding])];
      await store.accounts.setGroups(account.id, groups);
      await recordCliChange(store, 'user.groups', account, `groups now: ${groups.join(', ') || '(none)'}`);
      io.out(`'${account.username}' is in: ${groups.join(', ') || '(no groups)'}`);
      return;
    }
    case 'remove': {
      const { args } = parseCommand('user remove', argv, {}, ['username']);
      const account = await findAccountOrFail(store, 'user remove', args[0]!);
      await store.endAccountSessions(account.id);
      await store.credentials.removeAll(account.id);
      await store.devices.removeAll(account.id);
      await store.accounts.remove(account.id);
      await recordCliChange(store, 'user.remove', account, 'account, methods, devices, sessions and tokens removed; the audit log keeps its history');
      io.out(`removed user '${account.username}'`);
      return;
    }
    default:
      throw new UsageError(`user: unknown command '${sub}'`);
  }
}
