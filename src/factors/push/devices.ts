// What the authenticator app's devices may do: activate with a one-time code, read the requests
// for their account, and answer one, every call proven by the device's key. A device is a
// `push` credential (its id the credential's external id), so removing the credential revokes
// the key at once.
import { createHash, randomUUID } from 'node:crypto';
import type { Credential, CredentialStore, PushChallenge, PushStore } from '../../store/types.js';
import { activationMessage, answerMessage, type Decision, readMessage, readSkewMs, subscribeMessage, verifySignature } from './protocol.js';
import { allowedEndpoint } from './webPush.js';

export interface DeviceDeps {
  push: PushStore;
  credentials: CredentialStore;
  issuerName: string;
  now: () => number;
  /** Push services the server may post to (origins, or `*.domain` for any https host under it). */
  pushServiceOrigins?: string[];
}

/** Codes are typed from a screen: case, spaces and dashes do not matter. */
export const normalizeActivationCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
export const hashActivationCode = (code: string) => createHash('sha256').update(`twofold-activation:${normalizeActivationCode(code)}`).digest('base64url');

/** A request as a device sees it: who is signing in where, never the number. */
export interface DeviceRequest {
  id: string;
  issuer: string;
  clientName: string | null;
  ip: string | null;
  userAgent: string | null;
  location: string | null;
  createdAt: number;
  expiresAt: number;
}

export type ActivationResult =
  | { ok: true; deviceId: string; account: string; issuer: string; confirmation: string; totp: { secret: string; digits: 6; period: 30; algorithm: 'SHA1' } | null }
  | { ok: false; reason: 'bad_signature' | 'unknown_code' };

export type AnswerResult =
  | { ok: true; status: PushChallenge['status'] }
  | { ok: false; reason: 'unknown_device' | 'bad_signature' | 'unknown_request' | 'expired' | 'already_answered' };

export function pushDevices(deps: DeviceDeps) {
  const { push, credentials, now } = deps;
  const toDeviceRequest = (request: PushChallenge): DeviceRequest => ({
    id: request.id, issuer: deps.issuerName, clientName: request.context.clientName ?? request.context.clientId ?? null,
    ip: request.context.ip ?? null, userAgent: request.context.userAgent ?? null, location: request.context.location ?? null,
    createdAt: request.createdAt, expiresAt: request.expiresAt,
  });

  /** The live device with this id: a saved `push` credential, or nothing (unknown or removed). */
  const device = async (deviceId: string): Promise<Credential | undefined> =>
    typeof deviceId === 'string' && deviceId.length <= 64 ? credentials.findByExternalId('push', deviceId) : undefined;

  return {
    device,

    async activate(input: { code: string; publicKey: Record<string, unknown>; name: string; signature: string }): Promise<ActivationResult> {
      // The device signs the code with its new key: it holds the private half of what it registers.
      if (!verifySignature(input.publicKey, activationMessage(normalizeActivationCode(input.code)), input.signature)) return { ok: false, reason: 'bad_signature' };
      const activation = await push.activate(hashActivationCode(input.code), { deviceId: randomUUID(), publicKey: input.publicKey, name: input.name }, now());
      if (!activation?.device) return { ok: false, reason: 'unknown_code' };
      return {
        ok: true, deviceId: activation.device.deviceId, account: activation.username, issuer: deps.issuerName, confirmation: activation.confirmation,
        totp: activation.totpSecret ? { secret: activation.totpSecret, digits: 6, period: 30, algorithm: 'SHA1' } : null,
      };
    },

    /** Checks a signed read: the device is live, the signature its key's, the time recent. */
    async authenticateRead(deviceId: string, path: string, timestamp: number, signature: string): Promise<Credential | undefined> {
      if (!Number.isSafeInteger(timestamp) || Math.abs(now() - timestamp) > readSkewMs) return undefined;
      const credential = await device(deviceId);
      if (!credential || !verifySignature(credential.data.publicKey as Record<string, unknown>, readMessage(deviceId, path, timestamp), signature)) return undefined;
      return credential;
    },

    /** Keeps the device's Web Push subscription, if its push service is one the server may call. */
    async subscribe(input: { deviceId: string; endpoint: string; p256dh: string; auth: string; timestamp: number; signature: string }): Promise<'ok' | 'unknown_device' | 'endpoint_not_allowed'> {
      if (!Number.isSafeInteger(input.timestamp) || Math.abs(now() - input.timestamp) > readSkewMs) return 'unknown_device';
      const credential = await device(input.deviceId);
      const message = subscribeMessage(input.deviceId, input.endpoint, input.p256dh, input.auth, input.timestamp);
      if (!credential || !verifySignature(credential.data.publicKey as Record<string, unknown>, message, input.signature)) return 'unknown_device';
      if (!allowedEndpoint(input.endpoint, deps.pushServiceOrigins ?? [])) return 'endpoint_not_allowed';
      await push.saveSubscription({ deviceId: input.deviceId, accountId: credential.accountId, endpoint: input.endpoint, p256dh: input.p256dh, auth: input.auth });
      return 'ok';
    },

    async pendingFor(credential: Credential): Promise<DeviceRequest[]> {
      return (await push.pending(credential.accountId, now())).map(toDeviceRequest);
    },

    /** One signed answer. A wrong number is recorded as a denial; a request takes one answer. */
    async answer(input: { deviceId: string; requestId: string; decision: Decision; number: string; signature: string }): Promise<AnswerResult> {
      const credential = await device(input.deviceId);
      if (!credential) return { ok: false, reason: 'unknown_device' };
      if (!verifySignature(credential.data.publicKey as Record<string, unknown>, answerMessage(input.requestId, input.decision, input.number), input.signature)) {
        return { ok: false, reason: 'bad_signature' };
      }
      const request = await push.getChallenge(input.requestId);
      if (!request || request.accountId !== credential.accountId) return { ok: false, reason: 'unknown_request' };
      const at = now();
      if (request.expiresAt <= at) return { ok: false, reason: 'expired' };
      const status = input.decision === 'fraud' ? 'fraud' : input.decision === 'deny' ? 'denied' : input.number === request.number ? 'approved' : 'wrong_number';
      if (!(await push.answer(request.id, { status, deviceId: input.deviceId }, at))) {
        return { ok: false, reason: (await push.getChallenge(request.id))!.expiresAt <= now() ? 'expired' : 'already_answered' };
      }
      return { ok: true, status };
    },
  };
}

export type PushDevices = ReturnType<typeof pushDevices>;
