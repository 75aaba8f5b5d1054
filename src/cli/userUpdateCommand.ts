// `twofold user update`: an administrator changes a person's profile and vouches (or stops
// vouching) for their email address and phone number, which relying parties see as
// email_verified and phone_number_verified.
import { normalizeUsername, newAccountSchema } from '../accounts/validate.js';
import { createAudit } from '../audit/audit.js';
import { silentLogger } from '../log.js';
import type { AccountProfileChange, Store } from '../store/types.js';
import { describeIssues, InvalidInputError } from '../validation.js';
import { cliActor } from './actor.js';
import { parseCommand } from './args.js';
import { type CliIo, UsageError } from './io.js';

export const userUpdateUsage = 'twofold user update <username> [--name <name>] [--email <email>] [--email-verified | --email-unverified] [--phone <+number>] [--phone-verified | --phone-unverified]';

const profileSchema = newAccountSchema.pick({ displayName: true, email: true, phone: true });

export async function userUpdateCommand(store: Store, argv: string[], io: CliIo): Promise<void> {
  const { values, args } = parseCommand('user update', argv, {
    name: { type: 'string' }, email: { type: 'string' }, phone: { type: 'string' },
    'email-verified': { type: 'boolean' }, 'email-unverified': { type: 'boolean' },
    'phone-verified': { type: 'boolean' }, 'phone-unverified': { type: 'boolean' },
  }, ['username']);
  for (const what of ['email', 'phone'] as const) {
    if (values[`${what}-verified`] && values[`${what}-unverified`]) throw new UsageError(`user update: give --${what}-verified or --${what}-unverified, not both`);
  }
  // '' removes a value.
  const given = (value: string | undefined) => (value === '' ? null : value);
  const parsed = profileSchema.safeParse({
    displayName: given(values.name) ?? undefined, email: given(values.email) ?? undefined, phone: given(values.phone) ?? undefined,
  });
  if (!parsed.success) throw new InvalidInputError(describeIssues(parsed.error));
  const change: AccountProfileChange = {
    ...(values.name !== undefined ? { displayName: parsed.data.displayName ?? null } : {}),
    ...(values.email !== undefined ? { email: parsed.data.email ?? null } : {}),
    ...(values.phone !== undefined ? { phone: parsed.data.phone ?? null } : {}),
    ...(values['email-verified'] ? { emailVerified: true } : values['email-unverified'] ? { emailVerified: false } : {}),
    ...(values['phone-verified'] ? { phoneVerified: true } : values['phone-unverified'] ? { phoneVerified: false } : {}),
  };
  if (!Object.keys(change).length) throw new UsageError('user update: nothing to change: give the fields to change');
  const account = await store.accounts.findByUsername(normalizeUsername(args[0]!));
  if (!account) throw new InvalidInputError([`user update: there is no user '${args[0]}'`]);
  if (change.emailVerified && !(change.email ?? account.email)) throw new InvalidInputError(['email: there is no email address to verify: give --email']);
  if (change.phoneVerified && !(change.phone ?? account.phone)) throw new InvalidInputError(['phone: there is no phone number to verify: give --phone']);
  await store.accounts.updateProfile(account.id, change);
  const after = (await store.accounts.findById(account.id))!;
  const described = Object.keys(change).map((key) => key.replace(/([A-Z])/g, ' $1').toLowerCase()).join(', ');
  await createAudit(store.audit, silentLogger).record({ type: 'user.update', result: 'ok', accountId: account.id, username: account.username, actor: cliActor(), reason: `changed ${described}` });
  io.out(`updated user '${account.username}': email ${after.email ?? '(none)'}${after.email ? (after.emailVerified ? ' (verified)' : ' (not verified)') : ''}, phone ${after.phone ? `${after.phone}${after.phoneVerified ? ' (verified)' : ' (not verified)'}` : '(none)'}`);
}
