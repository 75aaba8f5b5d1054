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

export function pushFactor(deps: FactorDeps & { push: PushStore }, { pollMs }: { pollMs: number }): Factor {
  const { push, credentials, now } = deps;
  const devices = pushDevices({ push, credentials, issuerName: deps.issuerName, now });
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
    routes: () => pushRoutes(devices, push, { pollMs, now }),
  };
}

export const pushDefinition = defineFactor({
  id: 'push',
  options: {
    pushStreamPoll: {
      env: 'TWOFOLD_PUSH_STREAM_POLL',
      description: "How often (milliseconds) an authenticator's open event stream looks in the store for new requests. Every process polls the shared store, so a request started on one reaches a device streaming from another.",
      expects: 'an integer from 200 to 10000',
      schema: z.coerce.number().int().min(200).max(10_000),
      default: 1000,
    },
  },
  create(deps, config) {
    if (!deps.push) throw new Error('the push method needs the store\'s push repository (FactorDeps.push)');
    return pushFactor({ ...deps, push: deps.push }, { pollMs: config.pushStreamPoll });
  },
});
