import { randomBytes } from 'node:crypto';
import { createSecretBox } from './secretBox.js';

const key = randomBytes(32);
const box = createSecretBox(key);

test('a sealed value opens in its own context only', () => {
  const sealed = box.seal('JBSWY3DPEHPK3PXP', 'credential.secret:c1:alice');
  expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
  expect(box.open(sealed, 'credential.secret:c1:alice')).toBe('JBSWY3DPEHPK3PXP');
  // Copied to another row or another account, it does not decrypt.
  expect(() => box.open(sealed, 'credential.secret:c1:mallory')).toThrow();
  expect(() => box.open(sealed, 'credential.secret:c2:alice')).toThrow();
});

test('each sealing uses a fresh nonce, and a tampered or truncated value is refused', () => {
  expect(box.seal('same', 'ctx')).not.toBe(box.seal('same', 'ctx'));
  const [v, id, iv, body] = box.seal('secret', 'ctx').split(':');
  const flipped = Buffer.from(body!, 'base64url');
  flipped[0]! ^= 1;
  expect(() => box.open([v, id, iv, flipped.toString('base64url')].join(':'), 'ctx')).toThrow();
  expect(() => box.open([v, id, iv, Buffer.from(body!, 'base64url').subarray(0, 20).toString('base64url')].join(':'), 'ctx')).toThrow();
});

test('values sealed under a previous key still open after rotation; unknown keys are refused', () => {
  const previous = randomBytes(32);
  const sealed = createSecretBox(previous).seal('kept', 'ctx');
  expect(() => box.open(sealed, 'ctx')).toThrow(/unknown format or key/);
  expect(createSecretBox(key, [previous]).open(sealed, 'ctx')).toBe('kept');
});
