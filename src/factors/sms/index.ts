// A code sent by text message to a mobile phone (amr `sms`): 6 digits, single use, 5 minutes,
// 5 tries per code (see sentCodes.ts). The text names the organisation and says never to share
// the code. Setting it up proves the number with a code before anything is saved; the number is
// the credential's secret, so it is encrypted at rest and shown masked.
import { normalizeCode } from '../otpCodes.js';
import { codeText } from '../../phone/scripts.js';
import type { Credential } from '../../store/types.js';
import { defineFactor, type FactorDeps } from '../definition.js';
import { countryOptions, phoneDataOf, type PhoneData, readPhoneInput, requester } from '../phoneMethods.js';
import type { Factor, FactorAccount, VerifyResult } from '../types.js';
import { codeLifetime, type SentCodeRef, sentCodes } from './sentCodes.js';

const title = 'Phone';
export const unavailable = 'Texts and calls are not available here. Choose another method.';

export function smsFactor({ credentials, challenges, phone, phoneVerified, issuerName, now }: FactorDeps): Factor {
  const codes = challenges && sentCodes(challenges, now);

  /** Sends a fresh code to `to`; the reference to keep, or the reason it could not be sent. */
  async function sendCode(account: FactorAccount, to: string): Promise<{ ref: SentCodeRef } | { error: string }> {
    if (!phone || !codes) return { error: unavailable };
    const { code, ref } = await codes.create(account.id);
    const sent = await phone.sendText({ to, body: codeText(issuerName, code) }, requester(account, 'sms'));
    return sent.ok ? { ref } : { error: sent.message };
  }

  /** A typed code against what was sent: the result the pipeline gets. */
  async function checkCode(ref: unknown, input: string | undefined, credential: () => Promise<Credential | undefined>): Promise<VerifyResult> {
    const code = normalizeCode(input);
    if (!/^\d{6}$/.test(code)) return { outcome: 'failed', reason: 'malformed' };
    if (!codes) return { outcome: 'failed', reason: 'not_answered' };
    const checked = await codes.check(ref as Partial<SentCodeRef> | undefined, code);
    if (checked === 'expired') return { outcome: 'expired' };
    if (checked !== 'ok') return { outcome: 'failed', reason: checked };
    const used = await credential();
    return used ? { outcome: 'ok', credential: used } : { outcome: 'failed', reason: 'no_credential' };
  }

  return {
    id: 'sms',
    amr: ['sms'],
    phishingResistant: false,
    title,
    description: 'We text a code to your mobile phone.',
    waiting: 'code',
    wording: { submit: 'Verify', failed: "That code didn't work. Check the code and try again, or ask for a new one.", resend: 'Send a new code' },
    enroll: {
      form: () => ({ countries: phone ? countryOptions(phone.country) : [], available: Boolean(phone) }),
      async begin(account, input, { mayContact } = {}) {
        if (!phone) return { error: unavailable };
        const number = readPhoneInput(phone, input, 'sms', 'mobile');
        if (!number.ok) return { error: number.error, field: number.field };
        const refused = await mayContact?.();
        if (refused) return { error: refused };
        const sent = await sendCode(account, number.e164);
        if ('error' in sent) return sent;
        const replaces = typeof input.replaces === 'string' ? input.replaces : undefined;
        return {
          view: { sentTo: phone.mask(number.e164), minutes: codeLifetime / 60 },
          pending: { e164: number.e164, code: sent.ref, replaces },
        };
      },
      async finish(account, pending, form, claim) {
        const e164 = typeof pending.e164 === 'string' ? pending.e164 : undefined;
        if (!e164 || !phone) return { outcome: 'failed', reason: 'no_credential' };
        let saved: Credential | undefined;
        const result = await checkCode(pending.code, form.code, async () => {
          if (!(await claim())) return undefined;
          const data: PhoneData = { kind: 'mobile', extension: null, masked: phone.mask(e164) };
          saved = await replaceOrAdd(credentials, account, 'sms', e164, data, form.label, pending.replaces);
          return saved;
        });
        if (result.outcome === 'ok' && phoneVerified) await phoneVerified(account.id, e164);
        // Proven but claimed by a racing submission: that one saved it.
        if (result.outcome === 'failed' && result.reason === 'no_credential' && !saved) return { outcome: 'failed', reason: 'replayed' };
        return result;
      },
    },
    async challenge(account, credential) {
      const to = credential.secret;
      const sent = to ? await sendCode(account, to) : { error: unavailable };
      const view = { sentTo: phoneDataOf(credential).masked, minutes: codeLifetime / 60 };
      if ('error' in sent) return { view: { ...view, sendError: sent.error }, state: { credentialId: credential.id }, expiresIn: codeLifetime };
      return { view, state: { credentialId: credential.id, code: sent.ref }, expiresIn: codeLifetime };
    },
    async verify({ credentials: candidates, form, state }) {
      const sentTo = candidates.find((candidate) => candidate.method === 'sms' && candidate.id === state?.credentialId);
      if (!sentTo) return { outcome: 'failed', reason: 'no_credential' };
      if (!state?.code) return { outcome: 'failed', reason: 'not_answered' };
      return checkCode(state.code, form.code, async () => sentTo);
    },
    describe(credential) {
      const label = credential.label ? `, ${credential.label}` : '';
      return `${title} ${phoneDataOf(credential).masked} (text message${label})`;
    },
  };
}

/** Saves a proven phone; when it replaces another of the person's phones (a changed number),
 * the old one goes, and the new one keeps its default standing and PIN. */
export async function replaceOrAdd(store: FactorDeps['credentials'], account: FactorAccount, method: string, e164: string, data: PhoneData, label: string | undefined, replaces: unknown): Promise<Credential> {
  const old = typeof replaces === 'string' ? await store.get(replaces) : undefined;
  const previous = old && old.accountId === account.id && (old.method === 'sms' || old.method === 'voice') ? old : undefined;
  const kept = previous ? phoneDataOf(previous) : undefined;
  const credential = await store.add({
    accountId: account.id, method, secret: e164,
    label: label?.trim().slice(0, 64) || previous?.label || null,
    data: { ...data, pinHash: data.pinHash ?? kept?.pinHash ?? null },
  });
  if (previous) {
    await store.remove(account.id, previous.id);
    if (previous.isDefault) await store.setDefault(account.id, credential.id);
  }
  return credential;
}

export const smsDefinition = defineFactor({ id: 'sms', options: {}, create: (deps) => smsFactor(deps) });
