// Third-party OATH hardware tokens (key fobs, cards) imported by an administrator: TOTP or HOTP,
// 6 or 8 digits. The person activates a token assigned to them with its serial and a current
// code; it then signs them in like an app's code, with amr `hwk` and `otp`. TOTP tokens keep the
// clock drift seen at each sign-in; HOTP tokens accept 10 codes ahead, and further ahead (up to
// 100) two consecutive codes in two attempts resynchronise them, as privacyIDEA's autoresync.
import { defineFactor, type FactorDeps } from '../definition.js';
import type { Factor, FactorAccount, VerifyResult } from '../types.js';
import type { Credential, CredentialStore, TokenInventoryStore } from '../../store/types.js';
import { findHotp, matchTokenTotp, nextCounter, tokenCode, tokenLimits, tokenParams } from './tokenCodes.js';
import { hotpCode } from '../otpCodes.js';
import { seedBytes } from './seed.js';

export const oathMethod = 'oath';
/** Tokens one person may hold (activated or waiting for activation). */
export const tokensPerPerson = 5;
const title = 'Hardware token';

/** Serials as people type them: spaces and dashes dropped, letters upper case. */
export const normalizeSerial = (input: string | undefined) => (input ?? '').replace(/[\s-]/g, '').toUpperCase().slice(0, 64);

/** A pending HOTP resynchronisation: the counter of the first code, until when it waits. */
interface Resync {
  counter: number;
  until: number;
}

const resyncOf = (data: Record<string, unknown>): Resync | undefined => {
  const resync = data.resync as Resync | undefined;
  return resync && typeof resync.counter === 'number' && typeof resync.until === 'number' ? resync : undefined;
};
const withoutResync = ({ resync: _resync, ...data }: Record<string, unknown>) => data;

/** How many tokens the person holds: activated ones and ones assigned, waiting for activation. */
export async function tokensHeld(credentials: CredentialStore, tokens: TokenInventoryStore, accountId: string): Promise<number> {
  const [active, waiting] = await Promise.all([credentials.list(accountId), tokens.assignedTo(oathMethod, accountId)]);
  return active.filter((credential) => credential.method === oathMethod).length + waiting.length;
}

export function oathFactor({ credentials, tokens, now }: FactorDeps & { tokens: TokenInventoryStore }): Factor {
  const seconds = () => Math.floor(now() / 1000);

  /** One answer against one token: the step or counter to claim, and what to remember. */
  async function check(credential: Credential, code: string): Promise<VerifyResult | undefined> {
    const params = tokenParams(credential.data);
    const claimed = async (step: number, data?: Record<string, unknown>): Promise<VerifyResult> => {
      if (!(await credentials.claimStep(credential.id, step, now()))) return { outcome: 'failed', reason: 'replayed' };
      // The drift or resync state is a hint for next time: losing a race to another change is harmless.
      if (data) await credentials.updateData(credential.id, credential.version, data, now());
      return { outcome: 'ok', credential };
    };
    if (params.kind === 'totp') {
      const drift = typeof credential.data.drift === 'number' ? credential.data.drift : 0;
      const match = await matchTokenTotp(credential.secret!, code, seconds(), params, drift);
      if (!match) return undefined;
      return claimed(match.step, match.drift !== drift ? { ...credential.data, drift: match.drift } : undefined);
    }
    const next = nextCounter(credential.counter);
    const resync = resyncOf(credential.data);
    const ahead = await findHotp(credential.secret!, code, next, tokenLimits.lookAhead, params);
    if (ahead !== undefined) return claimed(ahead, resync ? withoutResync(credential.data) : undefined);
    // The second of two consecutive codes, soon after the first: the token is back in step.
    if (resync && resync.until > now() && resync.counter >= next) {
      const expected = await hotpCode(seedBytes(credential.secret!), resync.counter + 1, { digits: params.digits, algorithm: params.algorithm });
      if (expected === code) return claimed(resync.counter + 1, withoutResync(credential.data));
    }
    // Pressed too often: a code further ahead is remembered, and only the next one will do.
    const far = await findHotp(credential.secret!, code, next + tokenLimits.lookAhead, tokenLimits.resyncWindow - tokenLimits.lookAhead, params);
    if (far !== undefined) {
      await credentials.updateData(credential.id, credential.version, { ...credential.data, resync: { counter: far, until: now() + tokenLimits.resyncSeconds * 1000 } }, now());
    }
    return undefined;
  }

  const anyCode = (input: string | undefined) => tokenCode(input, tokenParams({ digits: 6 })) ?? tokenCode(input, tokenParams({ digits: 8 }));

  return {
    id: oathMethod,
    amr: ['hwk', 'otp'],
    phishingResistant: false,
    title,
    description: 'Enter the code shown on a hardware token (a key fob or card) your organisation gave you.',
    waiting: 'code',
    wording: { submit: 'Verify', failed: "That code didn't work. Press your token's button (or wait for a new code) and try again." },
    enroll: {
      async begin(account: FactorAccount, input: Record<string, string>) {
        const serial = normalizeSerial(input.serial);
        if (!serial) return { error: 'Type the serial number printed on the back of your token.' };
        const token = await tokens.get(oathMethod, serial);
        if (!token || token.accountId !== account.id) {
          return { error: `No token with serial number ${serial} is waiting for you. Check the number on the back of the token, or ask your administrator to assign it to you.` };
        }
        const active = (await credentials.list(account.id)).filter((credential) => credential.method === oathMethod).length;
        if (active >= tokensPerPerson) return { error: `You already have ${tokensPerPerson} hardware tokens, the most one person may have. Remove one first.` };
        const params = tokenParams(token.data);
        return {
          view: { serial, model: token.data.model, manufacturer: token.data.manufacturer, kind: params.kind, digits: params.digits },
          pending: { serial },
        };
      },
      async finish(account, pending, form, claim) {
        const serial = typeof pending.serial === 'string' ? pending.serial : '';
        const token = serial ? await tokens.get(oathMethod, serial) : undefined;
        if (!token || token.accountId !== account.id) return { outcome: 'failed', reason: 'no_credential' };
        const params = tokenParams(token.data);
        const code = tokenCode(form.code, params);
        if (!code) return { outcome: 'failed', reason: 'malformed' };
        let used: number | undefined;
        let drift = 0;
        if (params.kind === 'totp') {
          const match = await matchTokenTotp(token.secret, code, seconds(), params, 0);
          used = match?.step;
          drift = match?.drift ?? 0;
        } else {
          used = await findHotp(token.secret, code, nextCounter(token.counter), tokenLimits.lookAhead, params);
        }
        if (used === undefined) return { outcome: 'failed', reason: 'wrong_code' };
        if (!(await claim())) return { outcome: 'failed', reason: 'replayed' };
        const taken = await tokens.take(oathMethod, serial, account.id);
        if (!taken) return { outcome: 'failed', reason: 'replayed' };
        try {
          const data = params.kind === 'totp' ? { ...taken.data, drift } : withoutResync(taken.data);
          const credential = await credentials.add({ accountId: account.id, method: oathMethod, label: null, secret: taken.secret, externalId: serial, data, usedStep: used });
          return { outcome: 'ok', credential };
        } catch (error) {
          // Never lose a token: back to the person's waiting list.
          await tokens.add([{ method: taken.method, serial: taken.serial, secret: taken.secret, data: taken.data, counter: taken.counter, accountId: taken.accountId }]);
          throw error;
        }
      },
    },
    async verify({ credentials: candidates, form }) {
      const code = anyCode(form.code);
      if (!code) return { outcome: 'failed', reason: 'malformed' };
      const mine = candidates.filter((credential) => credential.method === oathMethod && credential.secret);
      if (!mine.length) return { outcome: 'failed', reason: 'no_credential' };
      for (const credential of mine) {
        if (tokenParams(credential.data).digits !== code.length) continue;
        const result = await check(credential, code);
        if (result) return result;
      }
      return { outcome: 'failed', reason: 'wrong_code' };
    },
    describe(credential) {
      const model = typeof credential.data.model === 'string' && credential.data.model ? `${credential.data.model}, ` : '';
      return `${title} (${model}serial ${credential.externalId ?? '?'})`;
    },
  };
}

export const oathDefinition = defineFactor({
  id: oathMethod,
  options: {},
  create(deps) {
    if (!deps.tokens) throw new Error('the oath factor needs the token inventory: pass the store\'s tokens in the factor dependencies');
    return oathFactor({ ...deps, tokens: deps.tokens });
  },
});
