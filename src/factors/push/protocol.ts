// What a device signs and how the server checks it: ECDSA P-256 with SHA-256, signatures as
// WebCrypto makes them (r‖s, 64 bytes, base64url). Shared by the server, the Node authenticator
// and (spelled out again in JavaScript) the web authenticator.
import { createPublicKey, verify } from 'node:crypto';
import { z } from 'zod';

export type Decision = 'approve' | 'deny' | 'fraud';

/** Proves the device holds the private key of the public key it registers. */
export const activationMessage = (code: string) => `twofold-activate\n${code}`;

/** An answer: the challenge, the decision and the number typed (empty when denying). */
export const answerMessage = (challengeId: string, decision: Decision, number: string) => `twofold-answer\n${challengeId}\n${decision}\n${number}`;

/** A read (pending requests, the event stream): the path and the time, so it cannot be replayed later. */
export const readMessage = (deviceId: string, path: string, timestamp: number) => `twofold-read\n${deviceId}\n${path}\n${timestamp}`;

/** A Web Push subscription the device asks the server to use, at a time. */
export const subscribeMessage = (deviceId: string, endpoint: string, p256dh: string, auth: string, timestamp: number) =>
  `twofold-subscribe\n${deviceId}\n${endpoint}\n${p256dh}\n${auth}\n${timestamp}`;

/** How far a read's time may be from the server's: clocks drift, replays should not last. */
export const readSkewMs = 5 * 60_000;

const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/).max(200);

/** A P-256 public key as JWK, nothing else. */
export const publicKeySchema = z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: b64url, y: b64url }).strip();

export const signatureSchema = b64url;

/** Whether `signature` is the key's signature of `message`; any malformed input is just false. */
export function verifySignature(publicKey: Record<string, unknown>, message: string, signature: string): boolean {
  try {
    const key = createPublicKey({ key: publicKeySchema.parse(publicKey) as never, format: 'jwk' });
    return verify('sha256', Buffer.from(message), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
