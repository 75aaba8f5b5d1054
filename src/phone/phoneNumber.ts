// Phone numbers as people type them, normalised to E.164 with libphonenumber-js (full
// metadata, so a number outside every numbering plan is caught), and masked for display.
import { type CountryCode, getCountries, Metadata, getCountryCallingCode, isSupportedCountry, ParseError, parsePhoneNumberWithError, type PhoneNumber as LibPhoneNumber, validatePhoneNumberLength } from 'libphonenumber-js/max';

export interface PhoneNumber {
  /** `+12125550142` */
  e164: string;
  /** The region the number belongs to (`US`), when the plan says. */
  country: string | null;
  /** `1` for +1 */
  callingCode: string;
  /** Digits an office phone needs dialled once the call connects. */
  extension: string | null;
  /** `+1 212 555 0142` */
  international: string;
}

export type PhoneNumberProblem = 'empty' | 'characters' | 'unknown-country' | 'too-short' | 'too-long' | 'invalid-length' | 'not-in-use' | 'extension-not-allowed' | 'extension-invalid';

export type ParsedPhoneNumber = { ok: true; number: PhoneNumber } | { ok: false; problem: PhoneNumberProblem; message: string };

export interface ParseOptions {
  /** The region a number without `+` belongs to: the person's pick, or the configured default. */
  country: string;
  /** Office phones may carry an extension; mobiles may not. */
  allowExtension?: boolean;
  /** An extension typed in its own field; wins over one written after the number. */
  extension?: string;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const regionName = (region: string) => regionNames.of(region) ?? region;

/** Every country calling code libphonenumber knows a region for (`1`, `44`, ...). */
export const knownCallingCodes: ReadonlySet<string> = new Set(getCountries().map((country) => getCountryCallingCode(country)));

export const isRegion = (value: string): boolean => /^[A-Z]{2}$/.test(value) && isSupportedCountry(value);

// "ext. 123", "x123", "extension 123", ";ext=123" (RFC 3966) after the number.
const extensionPattern = /\s*(?:;\s*ext\s*=\s*|,\s*|(?:\b|\s)(?:ext|extension|x)\.?\s*)([^\s]*)\s*$/i;
// What people put between digits: spaces, dashes, dots, brackets, slashes; a leading + or 00.
const numberPattern = /^\+?[\d\s\-.()/\u00a0]+$/;

// The metadata lists each calling code's regions main one first (+1: US); the method is untyped.
const metadata = new Metadata() as unknown as { getCountryCodesForCallingCode(code: string): string[] | undefined };

/** "United States (+1)": the number's region, or its calling code's main region when the digits fit none. */
function placeOf(number: LibPhoneNumber): string {
  const region = number.country ?? metadata.getCountryCodesForCallingCode(number.countryCallingCode)?.[0];
  return region ? `${regionName(region)} (+${number.countryCallingCode})` : `a +${number.countryCallingCode} number`;
}

export function parsePhoneNumber(input: string, { country, allowExtension = false, extension: extensionField }: ParseOptions): ParsedPhoneNumber {
  const fail = (problem: PhoneNumberProblem, message: string): ParsedPhoneNumber => ({ ok: false, problem, message });
  let text = input.trim();
  if (!text) return fail('empty', 'Enter a phone number.');
  if (!isRegion(country)) throw new Error(`'${country}' is not a region code libphonenumber knows`);

  let extension = extensionField?.trim() || null;
  const written = extensionPattern.exec(text);
  if (written && /\d/.test(text.slice(0, written.index))) {
    extension ??= written[1]!;
    text = text.slice(0, written.index);
  }
  if (!numberPattern.test(text)) {
    const odd = [...new Set(text.replace(/[\d\s\-.()/+\u00a0]/g, ''))].join('');
    return fail('characters', odd
      ? `A phone number has only digits, spaces, dashes, dots and brackets: remove '${odd}'.`
      : 'Put + only at the start of the number.');
  }
  if (extension !== null) {
    if (!allowExtension) return fail('extension-not-allowed', 'A mobile number cannot have an extension: add the number as an office phone instead.');
    if (!/^\d{1,10}$/.test(extension)) return fail('extension-invalid', `An extension is 1 to 10 digits, but '${extension}' is not.`);
  }

  const region = country as CountryCode;
  // 00 is the international prefix in most of the world; libphonenumber reads it as national digits.
  const normalised = text.replace(/^\s*00/, '+');
  let parsed: LibPhoneNumber;
  try {
    parsed = parsePhoneNumberWithError(normalised, region);
  } catch (error) {
    if (error instanceof ParseError && error.message === 'INVALID_COUNTRY') {
      const code = /^\+(\d{1,3})/.exec(normalised.replace(/[^\d+]/g, ''))?.[1];
      return fail('unknown-country', code ? `+${code} is not a country calling code: check the digits after +.` : 'Check the country code after +.');
    }
    if (error instanceof ParseError && error.message === 'TOO_SHORT') return fail('too-short', `That number is too short for ${regionName(country)}: check that no digits are missing.`);
    return fail('too-short', 'That is not a phone number: enter its digits.');
  }
  const length = validatePhoneNumberLength(normalised, region);
  if (length === 'TOO_SHORT') return fail('too-short', `That number is too short for ${placeOf(parsed)}: check that no digits are missing.`);
  if (length === 'TOO_LONG') return fail('too-long', `That number is too long for ${placeOf(parsed)}: check for extra digits.`);
  if (length === 'INVALID_LENGTH') return fail('invalid-length', `That number has the wrong number of digits for ${placeOf(parsed)}.`);
  if (length === 'INVALID_COUNTRY') return fail('unknown-country', `+${parsed.countryCallingCode} is not a country calling code: check the digits after +.`);
  if (!parsed.isValid()) {
    return fail('not-in-use', `${parsed.formatInternational()} is not a number in use${parsed.country ? ` in ${regionName(parsed.country)}` : ''}: check the area code and the number.`);
  }
  return {
    ok: true,
    number: {
      e164: parsed.number,
      country: parsed.country ?? null,
      callingCode: parsed.countryCallingCode,
      extension,
      international: parsed.formatInternational(),
    },
  };
}

/** The calling code of an E.164 number (`1` for `+12125550142`), or null when it has none. */
export function callingCodeOf(e164: string): string | null {
  try {
    return parsePhoneNumberWithError(e164).countryCallingCode;
  } catch {
    return null;
  }
}

/** `+1 ••• ••• ••42`: the country code and the last two digits, grouped as the number is read. */
export function maskPhoneNumber(e164: string): string {
  let international: string;
  try {
    international = parsePhoneNumberWithError(e164).formatInternational();
  } catch {
    international = e164;
  }
  const space = international.indexOf(' ');
  const [prefix, rest] = space > 0 ? [international.slice(0, space + 1), international.slice(space + 1)] : ['+', international.replace(/^\+/, '')];
  const digits = rest.replace(/\D/g, '').length;
  let seen = 0;
  return prefix + rest.replace(/\d/g, (digit) => (++seen > digits - 2 ? digit : '•'));
}
