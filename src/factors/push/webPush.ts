// Web Push to wake an installed authenticator: the message is encrypted for the browser's
// subscription (RFC 8291, aes128gcm content coding of RFC 8188) and the request is signed with
// the server's VAPID key (RFC 8292). Only push services on the configured origins are called, so
// a device cannot make the server post to an address of its choosing.
import { createCipheriv, createECDH, createPrivateKey, type ECDH, hkdfSync, randomBytes, sign } from 'node:crypto';

export interface VapidKeys {
  /** The uncompressed P-256 public key (65 bytes), base64url: the browser's applicationServerKey. */
  publicKey: string;
  /** The private scalar (32 bytes), base64url. */
  privateKey: string;
  /** `mailto:` or `https:` contact for the push service's operators. */
  subject: string;
}

export interface PushSubscriptionKeys {
  endpoint: string;
  /** The browser's P-256 public key (65 bytes uncompressed), base64url. */
  p256dh: string;
  /** The browser's 16-byte authentication secret, base64url. */
  auth: string;
}

const b64 = (bytes: Buffer) => bytes.toString('base64url');

/** RFC 8291 §3.4 and RFC 8188 §2: one record, the payload followed by the 0x02 delimiter. */
export function encryptPayload(subscription: PushSubscriptionKeys, payload: Buffer, { salt = randomBytes(16), ephemeral }: { salt?: Buffer; ephemeral?: ECDH } = {}): Buffer {
  const uaPublic = Buffer.from(subscription.p256dh, 'base64url');
  const authSecret = Buffer.from(subscription.auth, 'base64url');
  if (!ephemeral) {
    ephemeral = createECDH('prime256v1');
    ephemeral.generateKeys();
  }
  const asPublic = ephemeral.getPublicKey();
  const ecdhSecret = ephemeral.computeSecret(uaPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const cipher = createCipheriv('aes-128-gcm', cek, nonce);
  const body = Buffer.concat([cipher.update(Buffer.concat([payload, Buffer.from([2])])), cipher.final(), cipher.getAuthTag()]);
  const header = Buffer.alloc(21);
  salt.copy(header, 0);
  header.writeUInt32BE(4096, 16);
  header.writeUInt8(asPublic.length, 20);
  return Buffer.concat([header, asPublic, body]);
}

/** RFC 8292: `vapid t=<JWT signed ES256 for the push service's origin>, k=<public key>`. */
export function vapidAuthorization(keys: VapidKeys, endpoint: string, nowMs: number): string {
  const publicKey = Buffer.from(keys.publicKey, 'base64url');
  const jwk = { kty: 'EC', crv: 'P-256', x: b64(publicKey.subarray(1, 33)), y: b64(publicKey.subarray(33, 65)), d: keys.privateKey };
  const header = b64(Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'ES256' })));
  const claims = b64(Buffer.from(JSON.stringify({ aud: new URL(endpoint).origin, exp: Math.floor(nowMs / 1000) + 12 * 3600, sub: keys.subject })));
  const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key: createPrivateKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' });
  return `vapid t=${header}.${claims}.${b64(signature)}, k=${keys.publicKey}`;
}

/** Whether the server may post to this endpoint: https (or a configured origin) on the list. */
export function allowedEndpoint(endpoint: string, origins: string[]): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  return origins.some((origin) => {
    if (origin.startsWith('*.')) return url.protocol === 'https:' && url.hostname.endsWith(origin.slice(1));
    return url.origin === origin;
  });
}

export type SendResult = 'sent' | 'gone' | 'failed';

/** Posts one encrypted message; `gone` when the push service says the subscription ended. */
export async function sendWebPush(keys: VapidKeys, subscription: PushSubscriptionKeys, payload: object, nowMs: number, ttlSeconds: number): Promise<SendResult> {
  try {
    const response = await fetch(subscription.endpoint, {
      method: 'POST',
      headers: {
        TTL: String(ttlSeconds), Urgency: 'high', 'Content-Encoding': 'aes128gcm', 'Content-Type': 'application/octet-stream',
        Authorization: vapidAuthorization(keys, subscription.endpoint, nowMs),
      },
      body: new Uint8Array(encryptPayload(subscription, Buffer.from(JSON.stringify(payload)))),
      signal: AbortSignal.timeout(5000),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.status === 404 || response.status === 410) return 'gone';
    return response.ok ? 'sent' : 'failed';
  } catch {
    return 'failed';
  }
}
