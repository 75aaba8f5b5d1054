// Twilio's callbacks for a call: the keys gathered, and the call's final status. Each is
// checked against X-Twilio-Signature over the public URL Twilio was given, and refused
// (403, nothing changed) when it does not match.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from '../../log.js';
import type { PhoneCall, Store } from '../../store/types.js';
import { callReplies } from '../scripts.js';
import { isTwilioSignatureValid } from './signature.js';
import { gatherTwiml, sayTwiml } from './twiml.js';
import { twilioCallbackPath, twilioCallUrls } from './twilioTelephony.js';

export interface TwilioCallbackDeps {
  accountSid: string;
  authToken: string;
  callbackUrl: string;
  store: Pick<Store, 'phone'>;
  log: Logger;
  now: () => number;
}

const limit = 16 * 1024;

async function readParams(ctx: Context): Promise<[string, string][] | undefined> {
  if (!ctx.is('application/x-www-form-urlencoded')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return [...new URLSearchParams(Buffer.concat(chunks).toString('utf8'))];
}

// Final statuses Twilio reports (https://www.twilio.com/docs/voice/api/call-resource#call-status-values).
const endedWithoutKeys: Record<string, { status: 'no-answer' | 'failed'; detail: string }> = {
  completed: { status: 'no-answer', detail: 'answered, but no keys were pressed' },
  'no-answer': { status: 'no-answer', detail: 'no answer' },
  busy: { status: 'no-answer', detail: 'busy' },
  canceled: { status: 'no-answer', detail: 'canceled' },
  failed: { status: 'failed', detail: 'Twilio could not place the call' },
};

export function twilioCallbacks({ accountSid, authToken, callbackUrl, store, log, now }: TwilioCallbackDeps): Router {
  const router = new Router({ prefix: twilioCallbackPath });

  /** The call a signed callback is about, or undefined once the response is set. */
  const verified = async (ctx: Context): Promise<{ call: PhoneCall; params: Map<string, string> } | undefined> => {
    const entries = await readParams(ctx);
    const refuse = (status: number, why: string) => {
      log.warn('twilio callback refused', { path: ctx.path, why });
      ctx.status = status;
      ctx.body = '';
    };
    if (!entries) return void refuse(400, 'not a form of at most 16 KiB');
    // The URL Twilio signed is the one Twofold gave it: the public base plus this path, never
    // what the Host header claims.
    if (!isTwilioSignatureValid(authToken, `${callbackUrl}${ctx.url}`, entries, ctx.get('x-twilio-signature') || undefined)) {
      return void refuse(403, 'the X-Twilio-Signature does not match');
    }
    const params = new Map(entries);
    const call = await store.phone.getCall(ctx.params.id!);
    if (params.get('AccountSid') !== accountSid || !call || call.adapter !== 'twilio' || (call.externalId && call.externalId !== params.get('CallSid'))) {
      return void refuse(404, 'no such call for this account');
    }
    return { call, params };
  };
  const twiml = (ctx: Context, body: string) => {
    ctx.type = 'text/xml';
    ctx.body = body;
  };

  router.post('/calls/:id/gather', async (ctx) => {
    const found = await verified(ctx);
    if (!found) return;
    const { call, params } = found;
    if (call.status !== 'ringing') return twiml(ctx, sayTwiml(callReplies.thanks));
    const before = ctx.query.after === '0' ? '0' : '';
    const keys = before + (params.get('Digits') ?? '') + (params.get('FinishedOnKey') ?? '');
    if (!keys) {
      await store.phone.settleCall(call.id, { status: 'no-answer', detail: 'answered, but no keys were pressed' }, now());
      return twiml(ctx, sayTwiml(callReplies.noAnswer));
    }
    // "Press #" takes one key at a time: after a 0, wait for the # that makes it a fraud report.
    if (call.mode === 'confirm' && keys === '0') {
      return twiml(ctx, gatherTwiml({ say: callReplies.confirmFraud, action: `${twilioCallUrls(callbackUrl, call.id).gather}?after=0`, kind: 'one-key', noAnswer: callReplies.noAnswer }));
    }
    await store.phone.settleCall(call.id, { status: 'answered', keys }, now());
    return twiml(ctx, sayTwiml(keys === '0#' ? callReplies.fraud : callReplies.thanks));
  });

  router.post('/calls/:id/status', async (ctx) => {
    const found = await verified(ctx);
    if (!found) return;
    const ended = endedWithoutKeys[found.params.get('CallStatus') ?? ''];
    // A call answered with keys is settled already; this only settles the ones that were not.
    if (ended) await store.phone.settleCall(found.call.id, ended, now());
    ctx.status = 204;
  });
  return router;
}
