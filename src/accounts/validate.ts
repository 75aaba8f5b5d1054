// Rules for account fields, shared by the CLI, the admin API and the seeds.
import { z } from 'zod';

/** Usernames compare without case: they are stored in one canonical form. */
export function normalizeUsername(input: string): string {
  return input.normalize('NFKC').trim().toLowerCase();
}

/** E.164 after removing spaces; people type "+1 555 444 5555". */
export function normalizePhone(input: string): string {
  return input.replace(/\s+/g, '');
}

export const usernameSchema = z
  .string()
  .transform(normalizeUsername)
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9._@+-]{0,63}$/, 'must be 1 to 64 characters: letters, digits and . _ @ + - (starting with a letter or digit)'));

export const groupSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1 to 64 characters: letters, digits and . _ -');

export const newAccountSchema = z.object({
  username: usernameSchema,
  displayName: z.string().trim().min(1).max(128, 'must be at most 128 characters').optional(),
  email: z.email('must be an email address such as alice@example.com').max(254).optional(),
  phone: z
    .string()
    .transform(normalizePhone)
    .pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an international number starting with + and the country code, such as +1 555 444 5555'))
    .optional(),
  groups: z.array(groupSchema).default([]),
  /** An administrator's word that the address or number belongs to the person. */
  emailVerified: z.boolean().default(false),
  phoneVerified: z.boolean().default(false),
});

export type NewAccountInput = z.input<typeof newAccountSchema>;
