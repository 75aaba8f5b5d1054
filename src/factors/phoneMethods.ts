// What the text and call methods share: the number a person types (with its country picked
// from a list), what a phone credential keeps (the number encrypted as its secret, the rest in
// the open), and how it is shown (masked, the last two digits only).
import { getCountries, getCountryCallingCode } from 'libphonenumber-js/max';
import { hashPassword } from '../accounts/password.js';
import type { PhoneRequester, PhoneService } from '../phone/phoneService.js';
import type { Credential, CredentialStore } from '../store/types.js';
import type { FactorAccount } from './types.js';

/** Mobile phones take texts and calls; office phones take calls, with an extension. */
export type PhoneKind = 'mobile' | 'office';

/** What a phone credential keeps in the open; the number itself is its (encrypted) secret. */
export interface PhoneData {
  kind: PhoneKind;
  extension: string | null;
  /** The masked number, so lists need not decrypt to show it. */
  masked: string;
  /** argon2id hash of the PIN asked for on calls, when one is set. */
  pinHash?: string | null;
}

export const phoneDataOf = (credential: Credential): PhoneData => {
  const data = credential.data as Partial<PhoneData>;
  return { kind: data.kind === 'office' ? 'office' : 'mobile', extension: data.extension ?? null, masked: data.masked ?? '', pinHash: data.pinHash ?? null };
};

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

export interface CountryOption {
  code: string;
  label: string;
  selected: boolean;
}

let sortedCountries: { code: string; label: string }[] | undefined;
/** Every region libphonenumber knows, by name, "United Kingdom (+44)", the default selected. */
export function countryOptions(selected: string): CountryOption[] {
  sortedCountries ??= getCountries()
    .map((code) => ({ code, label: `${regionNames.of(code) ?? code} (+${getCountryCallingCode(code)})` }))
    .sort((a, b) => a.label.localeCompare(b.label, 'en'));
  return sortedCountries.map((country) => ({ ...country, selected: country.code === selected }));
}

/** The phone a person typed for a new method, as E.164 plus extension, or what is wrong with it. */
export function readPhoneInput(phone: PhoneService, input: Record<string, string>, prefix: string, kind: PhoneKind):
  { ok: true; e164: string; extension: string | null; country: string } | { ok: false; error: string; field: string } {
  const country = String(input[`${prefix}Country`] ?? phone.country).trim().toUpperCase() || phone.country;
  if (!/^[A-Z]{2}$/.test(country) || !countryOptions(phone.country).some((option) => option.code === country)) return { ok: false, error: 'Choose a country or region from the list.', field: `${prefix}Country` };
  const number = String(input[`${prefix}Number`] ?? '');
  if (number.length > 64) return { ok: false, error: 'That phone number is too long: check for extra digits.', field: `${prefix}Number` };
  const extension = kind === 'office' ? String(input[`${prefix}Extension`] ?? '').slice(0, 32) : undefined;
  const parsed = phone.parse(number, { country, allowExtension: kind === 'office', extension });
  if (!parsed.ok) return { ok: false, error: parsed.message, field: `${prefix}Number` };
  return { ok: true, e164: parsed.number.e164, extension: parsed.number.extension, country };
}

export const requester = (account: FactorAccount, method: string): PhoneRequester => ({ accountId: account.id, username: account.username, method });

/** Seconds until `at`, at least one (a store TTL). */
export const secondsUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / 1000));

/** Moves a mobile phone between texts and calls: the same proven number under the other method,
 * keeping its label, PIN and default standing. Undefined for an office phone (calls only). */
export async function switchDelivery(store: CredentialStore, credential: Credential): Promise<Credential | undefined> {
  const data = phoneDataOf(credential);
  if (data.kind !== 'mobile' || !credential.secret || (credential.method !== 'sms' && credential.method !== 'voice')) return undefined;
  const switched = await store.add({
    accountId: credential.accountId, method: credential.method === 'sms' ? 'voice' : 'sms', secret: credential.secret, label: credential.label, data: { ...data },
  });
  await store.remove(credential.accountId, credential.id);
  if (credential.isDefault) await store.setDefault(credential.accountId, switched.id);
  return switched;
}

/** Sets (or, with null, clears) the PIN calls to this phone ask for; false when another change came first. */
export async function setPhonePin(store: CredentialStore, credential: Credential, pin: string | null, now: number): Promise<boolean> {
  const pinHash = pin === null ? null : await hashPassword(pin);
  return store.updateData(credential.id, credential.version, { ...credential.data, pinHash }, now);
}
