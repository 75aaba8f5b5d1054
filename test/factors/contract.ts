// What every factor must do, whatever its protocol. Each factor's test supplies how a
// person would produce a right answer for a pending setup or a saved credential.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createSecretBox } from '../../src/crypto/secretBox.js';
import type { Factor } from '../../src/factors/types.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Credential, Store } from '../../src/store/types.js';
import { tempDir } from '../helpers/tempDir.js';

export interface FactorUnderTest {
  factor: Factor;
  /** The form a person submits to prove a pending setup. */
  proveSetup(pending: Record<string, unknown>): Promise<Record<string, string>>;
  /** The form a person submits to sign in with a saved credential. */
  proveSignIn(credential: Credential): Promise<Record<string, string>>;
  /** A form that is well-formed but wrong. */
  wrongAnswer: Record<string, string>;
  /** Moves the factor's clock past the answer just used. */
  advance(): void;
}

export function describeFactorContract(name: string, make: (store: Store) => FactorUnderTest) {
  describe(`${name} factor contract`, () => {
    const account = { id: 'account-1', username: 'alice' };
    let store: Store;
    let subject: FactorUnderTest;
    beforeEach(async () => {
      store = await openSqliteStore({ file: join(tempDir(), 'db'), box: createSecretBox(randomBytes(32)) });
      subject = make(store);
    });
    afterEach(() => store.close());

    async function enrolled(): Promise<Credential> {
      const start = await subject.factor.enroll.begin(account);
      const result = await subject.factor.enroll.finish(account, start.pending, await subject.proveSetup(start.pending), async () => true);
      if (!result.ok) throw new Error(`setup failed: ${result.reason}`);
      subject.advance();
      return result.credential;
    }

    it('declares its amr values and a title', () => {
      expect(subject.factor.amr.length).toBeGreaterThan(0);
      expect(subject.factor.title).not.toBe('');
    });

    it('saves a method only after a right answer during setup', async () => {
      const start = await subject.factor.enroll.begin(account);
      expect(await subject.factor.enroll.finish(account, start.pending, subject.wrongAnswer, async () => true)).toEqual({ ok: false, reason: 'wrong_code' });
      expect(await store.credentials.list(account.id)).toEqual([]);
      const result = await subject.factor.enroll.finish(account, start.pending, await subject.proveSetup(start.pending), async () => true);
      expect(result).toMatchObject({ ok: true, credential: { accountId: account.id, method: subject.factor.id } });
      expect(await store.credentials.list(account.id)).toHaveLength(1);
    });

    it('saves a setup once when the same proof races itself', async () => {
      const start = await subject.factor.enroll.begin(account);
      const form = await subject.proveSetup(start.pending);
      let taken = false;
      const claimOnce = async () => (taken ? false : (taken = true));
      const results = await Promise.all(Array.from({ length: 5 }, () => subject.factor.enroll.finish(account, start.pending, form, claimOnce)));
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(await store.credentials.list(account.id)).toHaveLength(1);
    });

    it('verifies a right answer once, and refuses it the second time', async () => {
      const credential = await enrolled();
      const form = await subject.proveSignIn(credential);
      expect(await subject.factor.verify(account, [credential], form)).toMatchObject({ ok: true, credential: { id: credential.id } });
      expect(await subject.factor.verify(account, [credential], form)).toEqual({ ok: false, reason: 'replayed' });
    });

    it('accepts a right answer only once when the same answer races itself', async () => {
      const credential = await enrolled();
      const form = await subject.proveSignIn(credential);
      const results = await Promise.all(Array.from({ length: 8 }, () => subject.factor.verify(account, [credential], form)));
      expect(results.filter((result) => result.ok)).toHaveLength(1);
    });

    it('turns wrong and malformed answers into typed failures, never a throw', async () => {
      const credential = await enrolled();
      expect(await subject.factor.verify(account, [credential], subject.wrongAnswer)).toEqual({ ok: false, reason: 'wrong_code' });
      expect(await subject.factor.verify(account, [credential], {})).toEqual({ ok: false, reason: 'malformed' });
      expect(await subject.factor.verify(account, [credential], { code: 'x'.repeat(5000) })).toEqual({ ok: false, reason: 'malformed' });
      expect(await subject.factor.verify(account, [], await subject.proveSignIn(credential))).toEqual({ ok: false, reason: 'no_credential' });
    });

    it('describes a credential without revealing its secret', async () => {
      const credential = await enrolled();
      const label = subject.factor.describe(credential);
      expect(label).toContain(subject.factor.title);
      expect(label).not.toContain(credential.secret ?? '\u0000');
    });
  });
}
