// The Twilio adapter: texts through the Messages API, calls through the Calls API with TwiML
// that gathers keys and posts them back (twilioCallbacks.ts). Requests are form-encoded with
// HTTP Basic auth (account SID and auth token), as Twilio's REST API documents.
import type { Logger } from '../../log.js';
import type { Store } from '../../store/types.js';
import { readCallOutcome } from '../callOutcome.js';
import { callGreeting, callReplies } from '../scripts.js';
import type { SendFailure, Telephony } from '../types.js';
import { gatherTwiml } from './twiml.js';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** The Twilio number texts and calls come from. */
  from: string;
  /** The public URL Twilio reaches Twofold at; callbacks go under /phone/twilio/. */
  callbackUrl: string;
  /** https://api.twilio.com, a regional edge, or a test double. */
  apiUrl: string;
  store: Pick<Store, 'phone'>;
  log: Logger;
  now: () => number;
  fetch?: typeof fetch;
}

export const twilioCallbackPath = '/phone/twilio';
/** Ringing (Twilio's 60 s timeout), the greeting and two 10 s gathers fit well inside this. */
export const twilioGiveUpMs = 3 * 60_000;

export const twilioCallUrls = (callbackUrl: string, callId: string) => ({
  gather: `${callbackUrl}${twilioCallbackPath}/calls/${callId}/gather`,
  status: `${callbackUrl}${twilioCallbackPath}/calls/${callId}/status`,
});

interface TwilioError {
  code?: number;
  message?: string;
}

export function twilioTelephony(options: TwilioOptions): Telephony {
  const { accountSid, authToken, from, callbackUrl, apiUrl, store, log, now } = options;
  const fetchImpl = options.fetch ?? fetch;
  const authorization = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

  /** Creates a resource; its sid, or why not. */
  const create = async (resource: 'Messages' | 'Calls', params: Record<string, string>): Promise<{ ok: true; sid: string } | SendFailure> => {
    let response: Response;
    try {
      response = await fetchImpl(`${apiUrl}/2010-04-01/Accounts/${accountSid}/${resource}.json`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      return { ok: false, reason: 'unavailable', detail: `Twilio ${resource} could not be reached: ${(error as Error).message}` };
    }
    const body = (await response.json().catch(() => ({}))) as { sid?: unknown } & TwilioError;
    if (response.ok && typeof body.sid === 'string') return { ok: true, sid: body.sid };
    const detail = `Twilio ${resource} answered ${response.status}${body.code ? ` (error ${body.code})` : ''}: ${body.message ?? 'no message'}`;
    // 4xx other than rate limiting means this request will not work as it is (a bad number, an
    // unverified destination); anything else may pass later.
    const rejected = response.status >= 400 && response.status < 500 && response.status !== 429;
    return { ok: false, reason: rejected ? 'rejected' : 'unavailable', detail };
  };

  return {
    adapter: 'twilio',
    async sendText({ to, body }) {
      const result = await create('Messages', { To: to, From: from, Body: body });
      if (!result.ok) return result;
      log.debug('twilio text accepted', { sid: result.sid });
      return { ok: true };
    },
    async placeCall({ to, extension, mode, organisation }) {
      const script = callGreeting(organisation, mode);
      const call = await store.phone.addCall({ adapter: 'twilio', to, extension, mode, script, at: now() });
      const urls = twilioCallUrls(callbackUrl, call.id);
      const params: Record<string, string> = {
        To: to,
        From: from,
        Twiml: gatherTwiml({ say: script, action: urls.gather, kind: mode === 'pin' ? 'until-hash' : 'one-key', noAnswer: callReplies.noAnswer }),
        StatusCallback: urls.status,
        StatusCallbackMethod: 'POST',
      };
      // Each w waits half a second after the call connects, before the extension is dialled.
      if (extension) params.SendDigits = `wwww${extension}`;
      const result = await create('Calls', params);
      if (!result.ok) {
        await store.phone.settleCall(call.id, { status: 'failed', detail: result.detail }, now());
        return result;
      }
      await store.phone.setExternalId(call.id, result.sid);
      return { ok: true, callId: call.id };
    },
    callOutcome: (callId) => readCallOutcome(store.phone, callId, now, twilioGiveUpMs),
  };
}
