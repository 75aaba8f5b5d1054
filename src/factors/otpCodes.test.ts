// The RFC 4226 and RFC 6238 test vectors, read from shared/vectors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { hotpCode, matchTotp, type OtpAlgorithm, totpCode } from './otpCodes.js';

const vectorsDir = process.env.TWOFOLD_VECTORS ?? join(packageRoot, 'test', 'vectors');
const rows = (file: string) => readFileSync(join(vectorsDir, file), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
const bytes = (ascii: string) => new TextEncoder().encode(ascii);

describe('RFC 4226 HOTP', () => {
  test.each(rows('rfc4226-hotp.csv'))('secret %s, counter %s, %s digits, %s: %s', async (secret, counter, digits, _algorithm, code) => {
    expect(await hotpCode(bytes(secret!), Number(counter), { digits: Number(digits) as 6 })).toBe(code);
  });
});

describe('RFC 6238 TOTP', () => {
  test.each(rows('rfc6238-totp.csv'))('secret %s at %s, period %s, %s digits, %s: %s', async (secret, time, period, digits, algorithm, code) => {
    const options = { period: Number(period), digits: Number(digits) as 8, algorithm: algorithm!.toLowerCase() as OtpAlgorithm };
    expect(await totpCode(bytes(secret!), Number(time), options)).toBe(code);
    expect(await matchTotp(bytes(secret!), code!, Number(time), options)).toBe(Math.floor(Number(time) / Number(period)));
  });
});

describe('matching with drift', () => {
  const secret = bytes('12345678901234567890');
  const now = 1_700_000_000;
  const step = Math.floor(now / 30);

  test.each([[-1, step - 1], [0, step], [1, step + 1]])('a code from %i step(s) away is accepted as its own step', async (offset, expected) => {
    expect(await matchTotp(secret, await totpCode(secret, now + offset * 30), now)).toBe(expected);
  });

  test.each([-2, 2])('a code from %i steps away is refused', async (offset) => {
    expect(await matchTotp(secret, await totpCode(secret, now + offset * 30), now)).toBeUndefined();
  });

  test.each(['12345', '1234567', 'abcdef', ''])('a malformed code %j is refused without throwing', async (code) => {
    expect(await matchTotp(secret, code, now)).toBeUndefined();
  });
});
