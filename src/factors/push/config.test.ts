import { createECDH, randomBytes } from 'node:crypto';
import { resolveConfig } from '../../config/load.js';

const keys = () => {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { publicKey: ecdh.getPublicKey().toString('base64url'), privateKey: ecdh.getPrivateKey().toString('base64url') };
};

describe('push configuration', () => {
  test('no VAPID keys: valid, with the well-known push services', () => {
    const { config, problems } = resolveConfig({ env: { NODE_ENV: 'test' } });
    expect(problems).toEqual([]);
    expect(config.pushVapidPublicKey).toBeUndefined();
    expect(config.pushServiceOrigins).toContain('https://fcm.googleapis.com');
  });

  test('all three VAPID values that belong together are accepted', () => {
    const { publicKey, privateKey } = keys();
    const env = { NODE_ENV: 'test', TWOFOLD_PUSH_VAPID_PUBLIC_KEY: publicKey, TWOFOLD_PUSH_VAPID_PRIVATE_KEY: privateKey, TWOFOLD_PUSH_VAPID_SUBJECT: 'mailto:ops@example.com', TWOFOLD_PUSH_SERVICE_ORIGINS: 'https://push.example.net, *.notify.windows.com' };
    const { config, problems } = resolveConfig({ env });
    expect(problems).toEqual([]);
    expect(config.pushServiceOrigins).toEqual(['https://push.example.net', '*.notify.windows.com']);
  });

  test('a private key whose first byte is zero, printed without it (as Node prints one key in 256), is accepted as the same key', () => {
    const ecdh = createECDH('prime256v1');
    const scalar = Buffer.concat([Buffer.alloc(1), randomBytes(31)]);
    ecdh.setPrivateKey(scalar);
    const env = {
      NODE_ENV: 'test', TWOFOLD_PUSH_VAPID_PUBLIC_KEY: ecdh.getPublicKey().toString('base64url'),
      TWOFOLD_PUSH_VAPID_PRIVATE_KEY: scalar.subarray(1).toString('base64url'), TWOFOLD_PUSH_VAPID_SUBJECT: 'mailto:ops@example.com',
    };
    const { config, problems } = resolveConfig({ env });
    expect(problems).toEqual([]);
    expect(config.pushVapidPrivateKey).toBe(scalar.toString('base64url'));
  });

  test('a partial, mismatched or malformed VAPID setup is refused with every problem named', () => {
    const { publicKey } = keys();
    const partial = resolveConfig({ env: { NODE_ENV: 'test', TWOFOLD_PUSH_VAPID_PUBLIC_KEY: publicKey } }).problems;
    expect(partial).toEqual([
      "TWOFOLD_PUSH_VAPID_PRIVATE_KEY (option 'pushVapidPrivateKey') must be set with the other VAPID options, or none of them: Web Push needs all three",
      "TWOFOLD_PUSH_VAPID_SUBJECT (option 'pushVapidSubject') must be set with the other VAPID options, or none of them: Web Push needs all three",
    ]);
    const mismatched = resolveConfig({ env: { NODE_ENV: 'test', TWOFOLD_PUSH_VAPID_PUBLIC_KEY: publicKey, TWOFOLD_PUSH_VAPID_PRIVATE_KEY: keys().privateKey, TWOFOLD_PUSH_VAPID_SUBJECT: 'mailto:ops@example.com' } }).problems;
    expect(mismatched).toEqual(["TWOFOLD_PUSH_VAPID_PUBLIC_KEY (option 'pushVapidPublicKey') must be the public key of TWOFOLD_PUSH_VAPID_PRIVATE_KEY, but the two do not belong together"]);
    const malformed = resolveConfig({ env: { NODE_ENV: 'test', TWOFOLD_PUSH_VAPID_PUBLIC_KEY: 'short', TWOFOLD_PUSH_SERVICE_ORIGINS: 'ftp://x' } }).problems;
    expect(malformed.some((p) => p.startsWith('TWOFOLD_PUSH_VAPID_PUBLIC_KEY (option \'pushVapidPublicKey\') must be a P-256 public key: 65 bytes, base64url'))).toBe(true);
    expect(malformed.some((p) => p.startsWith('TWOFOLD_PUSH_SERVICE_ORIGINS'))).toBe(true);
  });
});
