// What second factors use to reach a phone: parse and mask numbers, send a text, place a call
// and read its answer, with the toll-fraud limits checked first and every refusal audited.
// The person sees a short reason; the audit log and the server log keep the precise one.
import type { Audit } from '../audit/audit.js';
import type { Logger } from '../log.js';
import { type CallAnswer, readCallAnswer } from './callAnswer.js';
import { maskPhoneNumber, type ParsedPhoneNumber, parsePhoneNumber, callingCodeOf } from './phoneNumber.js';
import type { SendLimiter } from './limits.js';
import type { CallMode, SendFailure, Telephony, TelephonyAdapter } from './types.js';

/** Who a text or call is for, for the limits and the audit log. */
export interface PhoneRequester {
  accountId: string;
  username?: string | null;
  clientId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** The factor asking (`sms`, `voice`). */
  method: string;
}

export type PhoneRefusal = { ok: false; reason: 'not-allowed' | 'limited' | 'unreachable'; message: string };

export const phoneMessages = {
  'not-allowed': "We can't send texts or place calls to that country. Choose another method, or ask your administrator.",
  limited: 'Too many texts or calls were sent just now. Wait a while and try again, or choose another method.',
  unreachable: "We couldn't reach that phone just now. Try again in a moment, or choose another method.",
} as const;

export interface PhoneService {
  readonly adapter: TelephonyAdapter | 'off';
  /** The region preselected in the country picker. */
  readonly country: string;
  parse(input: string, options?: { country?: string; allowExtension?: boolean; extension?: string }): ParsedPhoneNumber;
  mask(e164: string): string;
  sendText(text: { to: string; body: string }, who: PhoneRequester): Promise<{ ok: true } | PhoneRefusal>;
  placeCall(call: { to: string; extension?: string | null; mode: CallMode }, who: PhoneRequester): Promise<{ ok: true; callId: string } | PhoneRefusal>;
  /** What the call's answer means so far: waiting, confirmed, a PIN to check, fraud, ... */
  callAnswer(callId: string, mode: CallMode): Promise<CallAnswer>;
}

export interface PhoneServiceDeps {
  telephony: Telephony | undefined;
  limiter: SendLimiter;
  audit: Audit;
  log: Logger;
  organisation: string;
  country: string;
}

export function createPhoneService({ telephony, limiter, audit, log, organisation, country }: PhoneServiceDeps): PhoneService {
  const refuse = async (type: string, who: PhoneRequester, reason: PhoneRefusal['reason'], detail: string): Promise<PhoneRefusal> => {
    const { method, ...fields } = who;
    await audit.record({ type, result: 'fail', method, reason: detail, ...fields });
    return { ok: false, reason, message: phoneMessages[reason] };
  };
  const failed = (type: string, who: PhoneRequester, failure: SendFailure) => {
    log.warn(`${type} failed`, { adapter: telephony?.adapter, detail: failure.detail });
    return refuse(type, who, 'unreachable', failure.detail);
  };
  /** Undefined when the send may go ahead. */
  const gate = async (type: string, to: string, who: PhoneRequester): Promise<PhoneRefusal | undefined> => {
    if (!telephony) return refuse(type, who, 'unreachable', 'telephony is off (TWOFOLD_PHONE=off)');
    const decision = await limiter.admit({ accountId: who.accountId, to, callingCode: callingCodeOf(to) });
    if (decision.allowed) return undefined;
    return refuse(type, who, decision.reason === 'country' ? 'not-allowed' : 'limited', `toll-fraud limit: ${decision.detail}`);
  };

  return {
    adapter: telephony?.adapter ?? 'off',
    country,
    parse: (input, options = {}) => parsePhoneNumber(input, { ...options, country: options.country ?? country }),
    mask: maskPhoneNumber,
    async sendText({ to, body }, who) {
      const refusal = await gate('phone.text', to, who);
      if (refusal) return refusal;
      const result = await telephony!.sendText({ to, body });
      return result.ok ? result : failed('phone.text', who, result);
    },
    async placeCall({ to, extension, mode }, who) {
      const refusal = await gate('phone.call', to, who);
      if (refusal) return refusal;
      const result = await telephony!.placeCall({ to, extension, mode, organisation });
      return result.ok ? result : failed('phone.call', who, result);
    },
    async callAnswer(callId, mode) {
      if (!telephony) return { kind: 'failed', detail: 'telephony is off' };
      return readCallAnswer(await telephony.callOutcome(callId), mode);
    },
  };
}
