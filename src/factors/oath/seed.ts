// Token seeds as vendors write them (base32 or hex), kept as hex: one spelling, no ambiguity.

export type SeedFormat = 'auto' | 'base32' | 'hex';

/** RFC 4226 R6: a shared secret of at least 128 bits. */
export const minimumSeedBytes = 16;
export const maximumSeedBytes = 128;

const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function decodeBase32(text: string): Buffer | undefined {
  const clean = text.toUpperCase().replace(/=+$/, '');
  if (!/^[A-Z2-7]+$/.test(clean)) return undefined;
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    value = (value << 5) | base32Alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

const decodeHex = (text: string) => (/^(?:[0-9a-fA-F]{2})+$/.test(text) ? Buffer.from(text, 'hex') : undefined);

/** The seed's bytes as hex, or why it cannot be read. Spaces and dashes (grouping) are ignored;
 * `auto` reads hex when only hex digits with a 0, 1, 8 or 9 appear (which base32 lacks), base32
 * when letters beyond F appear, and refuses a seed that could be either. */
export function parseSeed(text: string, format: SeedFormat = 'auto'): { hex: string } | { error: string } {
  const clean = text.replace(/[\s-]/g, '');
  if (!clean) return { error: 'the secret key is empty' };
  let bytes: Buffer | undefined;
  if (format === 'hex') {
    bytes = decodeHex(clean);
    if (!bytes) return { error: 'the secret key is not hex (an even number of 0-9 and a-f)' };
  } else if (format === 'base32') {
    bytes = decodeBase32(clean);
    if (!bytes) return { error: 'the secret key is not base32 (letters A-Z and digits 2-7)' };
  } else {
    const hexOnly = /^[0-9a-fA-F]+$/.test(clean);
    const base32Only = /^[A-Za-z2-7]+=*$/.test(clean);
    if (hexOnly && /[0189]/.test(clean)) bytes = decodeHex(clean);
    else if (base32Only && !hexOnly) bytes = decodeBase32(clean);
    else if (hexOnly && base32Only) return { error: 'the secret key could be base32 or hex: say which with --secret-format' };
    if (!bytes) return { error: 'the secret key is neither base32 (A-Z, 2-7) nor hex (0-9, a-f)' };
  }
  if (bytes.length < minimumSeedBytes) return { error: `the secret key has ${bytes.length * 8} bits; at least ${minimumSeedBytes * 8} are needed (RFC 4226)` };
  if (bytes.length > maximumSeedBytes) return { error: `the secret key has ${bytes.length} bytes; at most ${maximumSeedBytes} are accepted` };
  return { hex: bytes.toString('hex') };
}

export const seedBytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
