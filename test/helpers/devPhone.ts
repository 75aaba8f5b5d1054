// The development phone over a test's own store: the phone service the phone methods use, and
// what a person holding the phone does (read the newest text, press keys on a ringing call).
import { randomBytes } from 'node:crypto';
import { createAudit } from '../../src/audit/audit.js';
import { silentLogger } from '../../src/log.js';
import { developmentTelephony } from '../../src/phone/development/developmentTelephony.js';
import { createSendLimiter, numberHasher } from '../../src/phone/limits.js';
import { createPhoneService } from '../../src/phone/phoneService.js';
import type { MfaStore } from '../../src/store/types.js';

export function devPhoneOver(store: MfaStore, now: () => number, organisation = 'Acme') {
  const telephony = developmentTelephony({ store, now });
  const limiter = createSendLimiter({
    attempts: store.attempts, hashNumber: numberHasher(randomBytes(32)), now,
    limits: { perNumber: 1000, perAccount: 1000, global: 10_000, callingCodes: new Set(['1', '44']) },
  });
  const service = createPhoneService({ telephony, limiter, audit: createAudit(store.audit, silentLogger, now), log: silentLogger, organisation, country: 'US' });
  return {
    telephony,
    service,
    /** The 6-digit codes texted to a number, newest first. */
    async codesTo(to: string): Promise<string[]> {
      const texts = (await store.phone.listTexts(1000)).filter((text) => text.to === to);
      return texts.map((text) => /^(\d{6}) is your/.exec(text.body)?.[1]).filter((code): code is string => Boolean(code));
    },
    /** The newest call to a number. */
    async newestCall(to: string) {
      const calls = (await store.phone.listCalls(1000)).filter((call) => call.to === to);
      return calls[0];
    },
  };
}
