// Recovery codes: a standby for when the person's usual method is out of reach. Ten single-use
// codes of 80 bits each, shown once, stored as argon2id hashes (NIST SP 800-63B asks a salted
// password hash of look-up secrets under 112 bits). One set per person: a new set voids the old.
// A code is used up with a compare-and-set on the set, so two racing uses of one code (or of
// two codes) cannot both count. amr `otp`: a recovery code is a one-time password (RFC 8176).
import { z } from 'zod';
import { hashPassword, verifyPassword } from '../../accounts/password.js';
import { StoreConflictError, type Credential } from '../../store/types.js';
import { defineFactor, type FactorDeps } from '../definition.js';
import type { Factor, FactorAccount, VerifyResult } from '../types.js';
import { formatCode, generateCode, normalizeRecoveryCode } from './codes.js';

interface StoredCode {
  hash: string;
  usedAt: number | null;
}

const codesOf = (credential: Credential) => (credential.data.codes ?? []) as StoredCode[];
const left = (credential: Credential) => codesOf(credential).filter((code) => code.usedAt === null).length;

/** Below this many codes left, the person is asked to make a new set. */
export const renewBelow = 3;

export function recoveryFactor({ credentials, now }: FactorDeps, count: number): Factor {
  const provision = async (account: FactorAccount, { keepExisting = false } = {}) => {
    const codes = Array.from({ length: count }, generateCode);
    const stored: StoredCode[] = await Promise.all(codes.map(async (code) => ({ hash: await hashPassword(code), usedAt: null })));
    const add = () => credentials.add({
      accountId: account.id, method: 'recovery', label: null, defaultable: false,
      // One set per person: the account id as the external id makes a second set a conflict.
      externalId: account.id, data: { codes: stored, issuedAt: now() },
    });
    const existing = await credentials.findByExternalId('recovery', account.id);
    if (existing && keepExisting) return undefined;
    if (existing) await credentials.remove(account.id, existing.id);
    try {
      await add();
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
      // Another set was made meanwhile: with `keepExisting` it stands (its codes were shown);
      // otherwise the later one wins, as it would one after the other.
      if (keepExisting) return undefined;
      const racer = await credentials.findByExternalId('recovery', account.id);
      if (racer) await credentials.remove(account.id, racer.id);
      await add();
    }
    const shown = codes.map(formatCode);
    const file = `Recovery codes for ${account.username}\n\n${shown.join('\n')}\n\nEach code works once. Keep them somewhere safe.\n`;
    return { view: { codes: shown, count, file } };
  };

  /** Marks code `index` used, at the version read; retries when another code was used meanwhile. */
  async function useUp(credential: Credential, index: number): Promise<VerifyResult> {
    let current: Credential | undefined = credential;
    for (let tries = 0; current && tries < 5; tries++) {
      const codes = codesOf(current);
      if (codes[index]?.usedAt !== null) return { outcome: 'failed', reason: 'replayed' };
      const next = codes.map((code, i) => (i === index ? { ...code, usedAt: now() } : code));
      if (await credentials.updateData(current.id, current.version, { ...current.data, codes: next }, now())) {
        const remaining = next.filter((code) => code.usedAt === null).length;
        const text = `You used a recovery code. You have ${remaining} left.`;
        return {
          outcome: 'ok', credential: current,
          notice: remaining < renewBelow ? { text: `${text} Make a new set on your security info page.`, suggestion: 'renew-recovery-codes' } : { text },
        };
      }
      current = await credentials.get(current.id);
    }
    return { outcome: 'failed', reason: 'replayed' };
  }

  return {
    id: 'recovery',
    amr: ['otp'],
    phishingResistant: false,
    title: 'Recovery code',
    description: 'One of the single-use codes you saved when you set up your account.',
    waiting: 'code',
    wording: { submit: 'Verify', failed: "That recovery code didn't work. Check it and try again.", option: 'Use a recovery code' },
    standby: {
      provision,
      summary: (credential) => `${left(credential)} of ${codesOf(credential).length} codes left`,
    },
    async verify({ credentials: candidates, form }) {
      const code = normalizeRecoveryCode(form.code);
      if (!code) return { outcome: 'failed', reason: 'malformed' };
      const set = candidates.find((credential) => credential.method === 'recovery');
      if (!set) return { outcome: 'failed', reason: 'no_credential' };
      const codes = codesOf(set);
      // Used codes are checked too, so a reused code is told apart (in the log) from a wrong one.
      const matches = await Promise.all(codes.map((stored) => verifyPassword(stored.hash, code)));
      const index = matches.indexOf(true);
      if (index < 0) return { outcome: 'failed', reason: 'wrong_code' };
      return useUp(set, index);
    },
    describe: () => 'Recovery code',
  };
}

export const recoveryDefinition = defineFactor({
  id: 'recovery',
  options: {
    recoveryCodeCount: {
      env: 'TWOFOLD_RECOVERY_CODE_COUNT',
      description: 'How many single-use recovery codes a person gets in a set.',
      expects: 'an integer from 5 to 20',
      schema: z.coerce.number().int().min(5).max(20),
      default: 10,
    },
  },
  create: (deps, config) => recoveryFactor(deps, config.recoveryCodeCount),
});
