// A verification code from an authenticator app (RFC 6238): SHA-1, 6 digits, 30 seconds,
// one step of drift, a 160-bit random seed. A code's time step is claimed atomically, so the
// same code cannot sign in twice, even from two racing requests.
import { generateSecret, generateURI } from 'otplib';
import QRCode from 'qrcode';
import { defineFactor, type FactorDeps } from '../definition.js';
import { matchTotp, normalizeCode } from '../otpCodes.js';
import type { Factor, FactorAccount } from '../types.js';

const seedBytes = 20;
const title = 'Authenticator app';

/** The seed in groups of four, easier to type into an app by hand. */
const grouped = (secret: string) => secret.match(/.{1,4}/g)!.join(' ');

export function totpFactor({ credentials, issuerName, now }: FactorDeps): Factor {
  const seconds = () => Math.floor(now() / 1000);
  return {
    id: 'totp',
    amr: ['otp'],
    phishingResistant: false,
    title,
    description: 'Enter a 6-digit code from an app such as Google Authenticator, Microsoft Authenticator or 1Password.',
    waiting: 'code',
    wording: { submit: 'Verify', failed: "That code didn't work. Check the code and try again." },
    enroll: {
      async begin(account: FactorAccount) {
        const secret = generateSecret({ length: seedBytes });
        const uri = generateURI({ issuer: issuerName, label: account.username, secret });
        const qr = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 1, width: 200 });
        return { view: { secret: grouped(secret), uri, qr, issuer: issuerName, account: account.username }, pending: { secret } };
      },
      async finish(account, pending, form, claim) {
        const secret = typeof pending.secret === 'string' ? pending.secret : undefined;
        if (!secret) return { outcome: 'failed', reason: 'no_credential' };
        const code = normalizeCode(form.code);
        if (!/^\d{6}$/.test(code)) return { outcome: 'failed', reason: 'malformed' };
        const step = await matchTotp(secret, code, seconds());
        if (step === undefined) return { outcome: 'failed', reason: 'wrong_code' };
        if (!(await claim())) return { outcome: 'failed', reason: 'replayed' };
        const label = form.label?.trim().slice(0, 64) || null;
        const credential = await credentials.add({ accountId: account.id, method: 'totp', label, secret, usedStep: step, data: { digits: 6, period: 30, algorithm: 'sha1' } });
        return { outcome: 'ok', credential };
      },
    },
    async verify({ credentials: candidates, form }) {
      const code = normalizeCode(form.code);
      if (!/^\d{6}$/.test(code)) return { outcome: 'failed', reason: 'malformed' };
      const mine = candidates.filter((credential) => credential.method === 'totp' && credential.secret);
      if (!mine.length) return { outcome: 'failed', reason: 'no_credential' };
      for (const credential of mine) {
        const step = await matchTotp(credential.secret!, code, seconds());
        if (step === undefined) continue;
        return (await credentials.claimStep(credential.id, step, now())) ? { outcome: 'ok', credential } : { outcome: 'failed', reason: 'replayed' };
      }
      return { outcome: 'failed', reason: 'wrong_code' };
    },
    describe(credential) {
      return credential.label ? `${title} (${credential.label})` : title;
    },
  };
}

export const totpDefinition = defineFactor({ id: 'totp', options: {}, create: (deps) => totpFactor(deps) });
