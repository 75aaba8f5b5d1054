// App passwords: generated passwords for apps that can only send a username and a password
// (older mail clients, scripts). 16 lowercase letters, shown once in groups of four, kept as an
// argon2id hash with the first four letters in the clear so that a sign-in checks one hash, not
// up to 40: the remaining 12 letters still carry 56 bits, and every attempt is regulated.
import { randomInt } from 'node:crypto';
import type { AppPassword, AppPasswordStore } from '../store/types.js';
import { decoyHash, hashPassword, verifyPassword } from './password.js';

export const appPasswordLimit = 40;
const length = 16;
const prefixLength = 4;
const letters = 'abcdefghijklmnopqrstuvwxyz';

/** "abcd efgh ijkl mnop": how it is shown; typed with or without the spaces. */
export const groupedAppPassword = (password: string) => password.match(/.{4}/g)!.join(' ');

export function generateAppPassword(): string {
  return Array.from({ length }, () => letters[randomInt(letters.length)]).join('');
}

/** The typed text as an app password, or undefined when it cannot be one. */
export function normalizeAppPassword(typed: string): string | undefined {
  const clean = typed.replace(/[\s-]/g, '').toLowerCase();
  return clean.length === length && /^[a-z]+$/.test(clean) ? clean : undefined;
}

export type NewAppPassword = { ok: true; password: string; record: AppPassword } | { ok: false; error: string };

export function checkAppPasswordName(input: string | undefined): { name: string } | { error: string } {
  const name = (input ?? '').trim();
  if (!name) return { error: 'Give the app password a name, such as the app that will use it.' };
  if ([...name].length > 64) return { error: 'The name can have at most 64 characters.' };
  if (/\p{Cc}/u.test(name)) return { error: 'The name cannot contain control characters.' };
  return { name };
}

export async function createAppPassword(store: AppPasswordStore, accountId: string, nameInput: string | undefined): Promise<NewAppPassword> {
  const checked = checkAppPasswordName(nameInput);
  if ('error' in checked) return { ok: false, error: checked.error };
  const password = generateAppPassword();
  const record = await store.add({ accountId, name: checked.name, prefix: password.slice(0, prefixLength), hash: await hashPassword(password) }, appPasswordLimit);
  if (!record) return { ok: false, error: `You have ${appPasswordLimit} app passwords, the most an account may have. Revoke one you no longer use first.` };
  return { ok: true, password, record };
}

/** The account's app password this is, or undefined. Costs one argon2 verification whether or not
 * one matches, so timing tells nothing. */
export async function findAppPassword(store: AppPasswordStore, accountId: string, typed: string): Promise<AppPassword | undefined> {
  const password = normalizeAppPassword(typed);
  const candidates = password ? (await store.list(accountId)).filter((record) => record.prefix === password.slice(0, prefixLength)) : [];
  if (!password || !candidates.length) {
    await verifyPassword(await decoyHash(), typed);
    return undefined;
  }
  for (const candidate of candidates) {
    if (await verifyPassword(candidate.hash, password)) return candidate;
  }
  return undefined;
}
