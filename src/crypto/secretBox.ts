// AES-256-GCM for secrets that must be read back (authenticator seeds, phone numbers,
// client secrets). Each value is bound to its purpose with associated data, so a
// ciphertext copied into another row or column does not decrypt.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface SecretBox {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
  /** Whether the value was sealed under the current key (else `twofold keys rotate` re-seals it). */
  isCurrent(sealed: string): boolean;
}

const version = 'v1';

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

export function createSecretBox(key: Buffer, previousKeys: Buffer[] = []): SecretBox {
  if (key.length !== 32) throw new Error('the encryption key must be 32 bytes');
  const keys = new Map([key, ...previousKeys].map((k) => [keyId(k), k]));
  const currentId = keyId(key);

  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return [version, currentId, iv.toString('base64url'), body.toString('base64url')].join(':');
    },
    isCurrent: (sealed) => sealed.startsWith(`${version}:${currentId}:`),
    open(sealed, context) {
      const [v, id, iv, body] = sealed.split(':');
      const k = id ? keys.get(id) : undefined;
      if (v !== version || !k || !iv || !body) throw new Error('sealed value has an unknown format or key');
      const bytes = Buffer.from(body, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    },
  };
}
