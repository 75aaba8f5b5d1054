// Approval in Twofold's own authenticator app (web or Node): the sign-in page shows a two-digit
// number, the app shows who is signing in where and the person types the number to approve;
// answers are signed by the device key and taken once. Against push bombing, an account with
// too many unanswered or denied requests gets no more pushes for a while.
import { randomInt, timingSafeEqual } from 'node:crypto';
import { generateSecret } from 'otplib';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { PushStore } from '../../store/types.js';
import { defineFactor, type FactorDeps } from '../definition.js';
import { normalizeCode } from '../otpCodes.js';
import type { Factor } from '../types.js';
import { hashActivationCode, pushDevices } from './devices.js';
import { pushRoutes } from './routes.js';
import { allowedEndpoint, sendWebPush, type VapidKeys } from './webPush.js';

/** The guardrails: fixed values, as the issue sets them. */
export const pushLimits = Object.freeze({
  /** An activation code works once, for this long. */
  activationSeconds: 5 * 60,
  /** A request may be answered for this long. */
  requestSeconds: 60,
  /** This many requests left unanswered or denied within the window pause push for the account. */
  unansweredLimit: 3,
  windowSeconds: 10 * 60,
});

const title = 'Authenticator app with notifications';
const codeAlphabet = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';

/** Ten characters from 30 (about 49 bits), shown in two groups of five. */
function activationCode(): string {
  const chars = Array.from({ length: 10 }, () => codeAlphabet[randomInt(codeAlphabet.length)]!);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export interface PushOptions {
  pollMs: number;
  /** Web Push is sent only with VAPID keys. */
  vapid?: VapidKeys;
  pushServiceOrigins?: string[];
}

export function pushFactor(deps: FactorDeps & { push: PushStore }, { pollMs, vapid, pushServiceOrigins = [] }: PushOptions): Factor {
  const { push, credentials, now } = deps;
  const devices = pushDevices({ push, credentials, issuerName: deps.issuerName, now, pushServiceOrigins });

  /** Wakes the account's installed apps. The sends are not awaited: the page does not wait for
   * push services, and the event stream delivers the request to an app that is open anyway. */
  const wake = async (accountId: string, message: Record<string, unknown>) => {
    if (!vapid) return;
    for (const subscription of await push.subscriptions(accountId)) {
      // A removed device is woken no more; its subscription goes with it.
      if (!(await devices.device(subscription.deviceId))) {
        await push.removeSubscription(subscription.deviceId);
        continue;
      }
      if (!allowedEndpoint(subscription.endpoint, pushServiceOrigins)) continue;
      void sendWebPush(vapid, subscription, message, now(), pushLimits.requestSeconds)
        .then((result) => (result === 'gone' ? push.removeSubscription(subscription.deviceId) : undefined))
        .catch(() => undefined);
    }
  };
  const appUrl = `${(deps.issuer ?? '').replace(/\/$/, '')}/authenticator`;

  return {
    id: 'push',
    amr: ['swk'],
    phishingResistant: false,
    title,
    description: 'Approve sign-ins in the Twofold Authenticator app on your phone or computer by entering the number shown on screen. The app also shows verification codes.',
    waiting: 'out-of-band',
    wording: {
      submit: 'Continue',
      failed: "The sign-in wasn't approved. Try again, or choose another way to verify.",
      resend: 'Send another request',
    },
    script: 'setup.js',
    enroll: {
      async begin(account) {
        const code = activationCode();
        const activation = await push.addActivation({
          accountId: account.id, username: account.username, codeHash: hashActivationCode(code),
          totpSecret: generateSecret({ length: 20 }), confirmation: String(randomInt(0, 1_000_000)).padStart(6, '0'),
          expiresAt: now() + pushLimits.activationSeconds * 1000,
        });
        const link = `${appUrl}#activate=${code}`;
        const qr = await QRCode.toDataURL(link, { errorCorrectionLevel: 'M', margin: 1, width: 220 });
        return {
          view: { code, link, qr, appUrl, minutes: pushLimits.activationSeconds / 60, statusUrl: `/authenticator/api/activations/${activation.id}` },
          pending: { activationId: activation.id },
        };
      },
      async finish(account, pending, form, claim) {
        const activation = typeof pending.activationId === 'string' ? await push.getActivation(pending.activationId) : undefined;
        if (!activation || activation.accountId !== account.id) return { outcome: 'failed', reason: 'no_credential' };
        const code = normalizeCode(form.code);
        if (!code) return activation.expiresAt <= now() ? { outcome: 'expired' } : { outcome: 'pending' };
        if (!/^\d{6}$/.test(code)) return { outcome: 'failed', reason: 'malformed' };
        // Before a device activated, no code can be right: nobody has been shown one.
        if (!activation.device || !sameText(code, activation.confirmation)) return { outcome: 'failed', reason: 'wrong_code' };
        if (activation.expiresAt <= now()) return { outcome: 'expired' };
        if (!(await claim()) || !(await push.finishActivation(activation.id))) return { outcome: 'failed', reason: 'replayed' };
        const { deviceId, publicKey, name } = activation.device;
        const credential = await credentials.add({ accountId: account.id, method: 'push', label: name, externalId: deviceId, data: { publicKey, name } });
        // The same app shows codes: its seed becomes an authenticator-app (`totp`) method.
        if (activation.totpSecret) {
          await credentials.add({ accountId: account.id, method: 'totp', label: `${name}, Twofold Authenticator`, secret: activation.totpSecret, data: { digits: 6, period: 30, algorithm: 'sha1', device: deviceId } });
        }
        return { outcome: 'ok', credential };
      },
    },
    async challenge(account, _credential, request) {
      const at = now();
      const recent = await push.unansweredOrDenied(account.id, at - pushLimits.windowSeconds * 1000);
      if (recent.length >= pushLimits.unansweredLimit) {
        const until = recent[recent.length - pushLimits.unansweredLimit]! + pushLimits.windowSeconds * 1000;
        return {
          view: { paused: true, pausedMinutes: Math.max(1, Math.ceil((until - at) / 60_000)) },
          state: { paused: true },
          expiresIn: pushLimits.requestSeconds,
          withheld: `push paused: ${recent.length} requests unanswered or denied in ${pushLimits.windowSeconds / 60} minutes`,
        };
      }
      const number = String(randomInt(10, 100));
      const expiresAt = at + pushLimits.requestSeconds * 1000;
      const created = await push.addChallenge({
        accountId: account.id, purpose: 'sign-in', number, createdAt: at, expiresAt,
        context: { clientId: request?.clientId ?? null, clientName: request?.clientName ?? null, ip: request?.ip ?? null, userAgent: request?.userAgent ?? null },
      });
      await wake(account.id, { type: 'request', id: created.id, issuer: deps.issuerName, clientName: created.context.clientName ?? created.context.clientId ?? null });
      return { view: { number }, state: { requestId: created.id, expiresAt }, expiresIn: pushLimits.requestSeconds };
    },
    async peek(state) {
      if (typeof state.requestId !== 'string') return 'pending';
      const request = await push.getChallenge(state.requestId);
      return request && request.status !== 'pending' ? 'answered' : 'pending';
    },
    async verify({ account, credentials: candidates, state }) {
      if (state?.paused) return { outcome: 'failed', reason: 'too_many_tries' };
      if (!state || typeof state.requestId !== 'string') return { outcome: 'failed', reason: 'malformed' };
      if (Number(state.expiresAt) <= now()) return { outcome: 'expired' };
      const request = await push.getChallenge(state.requestId);
      if (!request || request.accountId !== account.id) return { outcome: 'failed', reason: 'malformed' };
      if (request.status === 'pending') return { outcome: 'pending' };
      // The device that answered must still be one of the person's: removing it revokes its answers too.
      const credential = candidates.find((candidate) => candidate.method === 'push' && candidate.externalId === request.answeredBy);
      if (!credential) return { outcome: 'failed', reason: 'no_credential' };
      if (!(await push.take(request.id, now()))) return { outcome: 'failed', reason: 'replayed' };
      if (request.status === 'approved') return { outcome: 'ok', credential };
      // A wrong number denies: whoever typed it was not looking at this sign-in.
      return request.status === 'fraud' ? { outcome: 'denied', fraud: true } : { outcome: 'denied' };
    },
    describe(credential) {
      const name = typeof credential.data.name === 'string' ? credential.data.name : credential.label;
      return name ? `${title} (${name})` : title;
    },
    routes: () => pushRoutes(devices, push, { pollMs, now, vapidPublicKey: vapid?.publicKey }),
  };
}

/** For callers that build the catalogue without a push repository (a command that only lists
 * methods): describing a device works, anything that needs the store says what is missing. */
const noPushStore = new Proxy({} as PushStore, {
  get: (_target, operation) => () => Promise.reject(new Error(`the push method needs the store's push repository (FactorDeps.push) for ${String(operation)}`)),
});

const base64url = (bytes: number) => z.string().trim().regex(/^[A-Za-z0-9_-]+$/).refine((value) => Buffer.from(value, 'base64url').length === bytes);

/**
 * A P-256 private key, always 32 bytes once read. Node's `ecdh.getPrivateKey()` drops leading zero
 * bytes, so one key in 256 it makes prints as 31 bytes (the README's command was one such maker):
 * the same number, accepted and padded back, so a JWK built from it has the length RFC 7518 asks.
 */
const p256PrivateKey = z.string().trim().regex(/^[A-Za-z0-9_-]+$/)
  .refine((value) => { const length = Buffer.from(value, 'base64url').length; return length >= 30 && length <= 32; })
  .transform((value) => { const bytes = Buffer.from(value, 'base64url'); return Buffer.concat([Buffer.alloc(32 - bytes.length), bytes]).toString('base64url'); });

/** The well-known browser push services: Chrome and Edge (FCM), Firefox, Safari, Windows. */
const knownPushServices = ['https://fcm.googleapis.com', 'https://updates.push.services.mozilla.com', 'https://web.push.apple.com', '*.notify.windows.com'];

export const pushDefinition = defineFactor({
  id: 'push',
  options: {
    pushStreamPoll: {
      env: 'TWOFOLD_PUSH_STREAM_POLL',
      description: "How often (milliseconds) an authenticator's open event stream looks in the store for new requests, where the store cannot say when one is written (SQLite; MongoDB without a replica set). Every process watches the shared store, so a request started on one reaches a device streaming from another.",
      expects: 'an integer from 200 to 10000',
      schema: z.coerce.number().int().min(200).max(10_000),
      default: 1000,
    },
    pushVapidPublicKey: {
      env: 'TWOFOLD_PUSH_VAPID_PUBLIC_KEY',
      description: 'With the private key and subject: the VAPID public key (uncompressed P-256 point, base64url) Web Push messages are signed with, so an installed authenticator is woken for a request. Unset: no Web Push.',
      expects: 'a P-256 public key: 65 bytes, base64url',
      schema: base64url(65),
    },
    pushVapidPrivateKey: {
      env: 'TWOFOLD_PUSH_VAPID_PRIVATE_KEY',
      description: 'The VAPID private key (32 bytes, base64url) that goes with TWOFOLD_PUSH_VAPID_PUBLIC_KEY.',
      expects: 'a P-256 private key: 32 bytes, base64url',
      schema: p256PrivateKey,
      secret: true,
    },
    pushVapidSubject: {
      env: 'TWOFOLD_PUSH_VAPID_SUBJECT',
      description: "A contact for push services' operators, sent with every Web Push message: a mailto: or https: URL.",
      expects: 'a mailto: or https: URL',
      schema: z.string().trim().regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/),
    },
    pushServiceOrigins: {
      env: 'TWOFOLD_PUSH_SERVICE_ORIGINS',
      description: 'Comma-separated push services Twofold may send Web Push messages to (origins, or *.domain for any https host under it); a device cannot register another, so the server never posts to an address a device chose.',
      expects: 'comma-separated origins or *.domain entries',
      schema: z.union([z.string(), z.array(z.string())])
        .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((entry) => entry.trim()).filter(Boolean))
        .pipe(z.array(z.string().regex(/^(https?:\/\/[^/\s]+|\*\.[a-z0-9.-]+)$/))),
      default: knownPushServices,
    },
  },
  create(deps, config) {
    const { pushVapidPublicKey: publicKey, pushVapidPrivateKey: privateKey, pushVapidSubject: subject } = config as Partial<typeof config>;
    const vapid = publicKey && privateKey && subject ? { publicKey, privateKey, subject } : undefined;
    return pushFactor({ ...deps, push: deps.push ?? noPushStore }, { pollMs: config.pushStreamPoll, vapid, pushServiceOrigins: config.pushServiceOrigins });
  },
});
