// Twilio's webhook signature (X-Twilio-Signature): HMAC-SHA1, keyed with the auth token, of the
// full URL Twilio requested followed by each POST parameter's name and value, sorted by name;
// base64. A callback whose signature does not match did not come from Twilio.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Parameters in the order Twilio signs them: sorted by name (then value, for repeated names). */
function signedData(url: string, params: Iterable<[string, string]>): string {
  const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return url + sorted.map(([name, value]) => name + value).join('');
}

export function twilioSignature(authToken: string, url: string, params: Iterable<[string, string]> | Record<string, string>): string {
  const entries = Symbol.iterator in params ? (params as Iterable<[string, string]>) : Object.entries(params);
  return createHmac('sha1', authToken).update(signedData(url, entries), 'utf8').digest('base64');
}

export function isTwilioSignatureValid(authToken: string, url: string, params: Iterable<[string, string]>, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const actual = Buffer.from(header);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
