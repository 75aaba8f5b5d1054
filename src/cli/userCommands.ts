import { createAccount } from '../accounts/createAccount.js';
import { checkPasswordRules, hashPassword } from '../accounts/password.js';
import { createRegulator, defaultRegulationRules } from '../regulation/regulator.js';
import type { Store } from '../store/types.js';
import { InvalidInputError } from '../validation.js';
import { parseCommand } from './args.js';
import { type CliIo, readSecretOption, table, UsageError } from './io.js';
import { findAccountOrFail, lockState, recordCliChange, userAdminCommand, userAdminUsage } from './userAdminCommands.js';
import { userUpdateCommand, userUpdateUsage } from './userUpdateCommand.js';

export const userUsage = [
  'twofold user add <username> [--password-stdin | --password <pw>] [--name <name>] [--email <email> [--email-verified]] [--phone <+number> [--phone-verified]] [--group <group>]...',
  userUpdateUsage,
  'twofold user list',
  'twofold user disable <username>',
  'twofold user enable <username>',
  'twofold user set-password <username> --password-stdin',
  'twofold user unlock <username>',
  ...userAdminUsage,
];

async function readPassword(command: string, values: Record<string, unknown>, io: CliIo): Promise<string> {
  const password = await readSecretOption(command, 'password', values, io);
  if (password === undefined) throw new UsageError(`${command}: a password is required: pipe it in with --password-stdin`);
  return password;
}

export async function userCommand(store: Store, [sub, ...argv]: string[], io: CliIo): Promise<void> {
  switch (sub) {
    case 'add': {
      const { values, args } = parseCommand('user add', argv, {
        password: { type: 'string' }, 'password-stdin': { type: 'boolean' }, name: { type: 'string' },
        email: { type: 'string' }, phone: { type: 'string' }, group: { type: 'string', multiple: true },
        'email-verified': { type: 'boolean' }, 'phone-verified': { type: 'boolean' },
      }, ['username']);
      if (values['email-verified'] && !values.email) throw new UsageError('user add: --email-verified needs --email');
      if (values['phone-verified'] && !values.phone) throw new UsageError('user add: --phone-verified needs --phone');
      const password = await readPassword('user add', values, io);
      const account = await createAccount(store.accounts, {
        username: args[0]!, password, displayName: values.name, email: values.email, phone: values.phone, groups: values.group ?? [],
        emailVerified: values['email-verified'] ?? false, phoneVerified: values['phone-verified'] ?? false,
      });
      await recordCliChange(store, 'user.add', account);
      io.out(`added user '${account.username}' (id ${account.id})`);
      return;
    }
    case 'update':
      return userUpdateCommand(store, argv, io);
    case 'list': {
      parseCommand('user list', argv, {}, []);
      const accounts = await store.accounts.list();
      if (!accounts.length) return io.out('no users');
      const status = async (account: (typeof accounts)[number]) => {
        if (account.disabled) return 'disabled';
        const [block, mfa, password] = await Promise.all([store.fraud.blockOf(account.id, Date.now()), lockState(store, 'mfa', account.id), lockState(store, 'password', account.id)]);
        return block ? 'blocked (fraud report)' : mfa || password ? 'locked' : 'active';
      };
      const statuses = await Promise.all(accounts.map(status));
      table([['USERNAME', 'NAME', 'EMAIL', 'GROUPS', 'STATUS'], ...accounts.map((a, i) => [
        a.username, a.displayName ?? '', a.email ?? '', a.groups.join(','), statuses[i]!,
      ])]).forEach((line) => io.out(line));
      return;
    }
    case 'disable':
    case 'enable': {
      const { args } = parseCommand(`user ${sub}`, argv, {}, ['username']);
      const account = await findAccountOrFail(store, `user ${sub}`, args[0]!);
      await store.accounts.setDisabled(account.id, sub === 'disable');
      await recordCliChange(store, `user.${sub}`, account);
      io.out(`${sub}d user '${account.username}'`);
      return;
    }
    case 'set-password': {
      const { values, args } = parseCommand('user set-password', argv, { 'password-stdin': { type: 'boolean' } }, ['username']);
      if (!values['password-stdin']) throw new UsageError('user set-password: pipe the new password in with --password-stdin');
      const account = await findAccountOrFail(store, 'user set-password', args[0]!);
      const password = await io.readStdin();
      const problem = checkPasswordRules(password, { username: account.username });
      if (problem) throw new InvalidInputError([`password: ${problem}`]);
      await store.accounts.setPasswordHash(account.id, await hashPassword(password));
      await recordCliChange(store, 'user.set-password', account);
      io.out(`set a new password for '${account.username}'`);
      return;
    }
    case 'unlock': {
      const { args } = parseCommand('user unlock', argv, {}, ['username']);
      const account = await findAccountOrFail(store, 'user unlock', args[0]!);
      const regulator = createRegulator(store.attempts, defaultRegulationRules, Date.now);
      await Promise.all([regulator.unlock('mfa', account.id), regulator.unlock('password', account.id)]);
      await recordCliChange(store, 'user.unlock', account);
      io.out(`unlocked '${account.username}': sign-in attempts start counting afresh`);
      return;
    }
    case 'show':
    case 'reset-mfa':
    case 'bypass':
    case 'groups':
    case 'remove':
      return userAdminCommand(store, sub, argv, io);
    default:
      throw new UsageError(sub ? `user: unknown command '${sub}'` : 'user: which command?');
  }
}
