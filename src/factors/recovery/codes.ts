// Recovery codes as people read and type them: 16 characters of Crockford's base32 (80 bits),
// shown in groups of four; typed in any case, with or without the dashes, and with the letters
// people confuse with digits (I, L, O) read as those digits.
import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
export const codeLength = 16;

export function generateCode(): string {
  // 32 symbols: each byte's low five bits pick one with no bias.
  return [...randomBytes(codeLength)].map((byte) => alphabet[byte & 31]).join('');
}

export const formatCode = (code: string) => code.match(/.{4}/g)!.join('-');

/** The code as stored, or undefined when it cannot be one. */
export function normalizeRecoveryCode(input: string | undefined): string | undefined {
  const code = (input ?? '').toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
  return code.length === codeLength && [...code].every((char) => alphabet.includes(char)) ? code : undefined;
}
