// What every factor must do, whatever its protocol, run through the same lifecycle and pipeline
// the sign-in pages use (src/mfa/challenges.ts, src/mfa/verification.ts) over a real store. Each
// factor's test supplies how a person would produce a right answer; the store comes from an
// adapter factory, SQLite unless a suite passes another.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createAudit } from '../../src/audit/audit.js';
import { createSecretBox } from '../../src/crypto/secretBox.js';
import type { Factor } from '../../src/factors/types.js';
import { silentLogger } from '../../src/log.js';
import { challengeFor, type ChallengeShown } from '../../src/mfa/challenges.js';
import type { SignInState } from '../../src/mfa/signInState.js';
import { answer } from '../../src/mfa/verification.js';
import { createRegulator, defaultRegulationRules } from '../../src/regulation/regulator.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Credential, MfaStore } from '../../src/store/types.js';
import { tempDir } from '../helpers/tempDir.js';

export interface FactorClock {
  now(): number;
  advance(ms: number): void;
}

export interface FactorUnderTest {
  factor: Factor;
  /** Sets a method up the way a person would (enrolling and proving it, or provisioning a standby). */
  setUp(account: { id: string; username: string }): Promise<Credential>;
  /** The form a person submits to sign in with a saved credential, given the challenge's state. */
  proveSignIn(credential: Credential, state?: Record<string, unknown>): Promise<Record<string, string>>;
  /** A form that is well-formed but wrong. */
  wrongAnswer: Record<string, string>;
  /** For factors with a setup: the form that proves a pending setup. */
  proveSetup?(pending: Record<string, unknown>): Promise<Record<string, string>>;
  /** What the person gives when choosing the method (a phone number, a token's serial), when it
   * needs any: the form, or a function of the account that makes it. */
  enrollInput?: Record<string, string> | ((account: { id: string; username: string }) => Promise<Record<string, string>>);
  /** For setups proven elsewhere (a call answered): the person answers the pending setup. */
  answerSetupElsewhere?(pending: Record<string, unknown>, answer: 'right' | 'wrong'): Promise<void>;
  /** For out-of-band factors: the person answers elsewhere (approves, or denies). */
  answerElsewhere?(state: Record<string, unknown>, decision: 'approve' | 'deny'): Promise<void>;
}

const enrollInputFor = async (subject: FactorUnderTest, account: { id: string; username: string }) =>
  typeof subject.enrollInput === 'function' ? subject.enrollInput(account) : (subject.enrollInput ?? {});

export type OpenStore = (now: () => number) => Promise<MfaStore>;

/** The real SQLite store in a temp folder, under a fresh key: what factor tests run on. */
export const openSqlite: OpenStore = (now) => openSqliteStore({ file: join(tempDir(), 'db'), box: createSecretBox(randomBytes(32)), now });

/** What kind of factor a suite tests, so each runs the lifecycle tests that apply to it (a test
 * checks that the factor really is of that kind). */
export interface FactorKind {
  /** Has a setup of its own (not a standby). */
  enrolls: boolean;
  /** Starts a challenge (sends, calls, pushes). */
  challenges: boolean;
  /** Answered elsewhere. */
  outOfBand: boolean;
  /** Starts its challenge again on request ("Send a new code"), throttled; default: as
   * `challenges`. A browser ceremony's challenge costs nothing to start, so it has no resend. */
  resends?: boolean;
}

export function describeFactorContract(name: string, kind: FactorKind, make: (store: MfaStore, clock: FactorClock) => FactorUnderTest, openStore: OpenStore = openSqlite) {
  describe(`${name} factor contract`, () => {
    const account = { id: 'account-1', username: 'alice' };
    let time = 1_700_000_000_000;
    const clock: FactorClock = { now: () => time, advance: (ms) => { time += ms; } };
    let store: MfaStore;
    let subject: FactorUnderTest;
    let regulator: ReturnType<typeof createRegulator>;
    let audit: ReturnType<typeof createAudit>;
    beforeEach(async () => {
      time = 1_700_000_000_000;
      store = await openStore(clock.now);
      subject = make(store, clock);
      regulator = createRegulator(store.attempts, defaultRegulationRules, clock.now);
      audit = createAudit(store.audit, silentLogger, clock.now);
    });
    afterEach(() => store.close());

    const context = { type: 'mfa.verify', accountId: account.id, ip: '198.51.100.7', clientId: 'wiki' };
    const usable = (credential: Credential) => ({ credential, factor: subject.factor });
    let states: Map<string, SignInState>;
    beforeEach(() => {
      states = new Map();
    });
    /** Shows the sign-in page of interaction `uid` once: what the pages do on every render. */
    const show = async (uid: string, credential: Credential, resend = false): Promise<ChallengeShown> => {
      const state = states.get(uid) ?? { accountId: account.id, amr: ['pwd'], proven: ['pwd'] };
      const shown = await challengeFor({ regulator, audit, now: clock.now, save: async (next) => void states.set(uid, next) }, account, state, usable(credential), context, { resend });
      return shown;
    };
    /** One answer through the pipeline, as the verify route sends it. */
    const submit = (credential: Credential, form: Record<string, string>, state?: Record<string, unknown>) =>
      answer({ regulator, audit }, subject.factor, context, () => subject.factor.verify({ account, credentials: [credential], form, state }));
    const enrolled = async () => {
      const credential = await subject.setUp(account);
      clock.advance(30_000);
      return credential;
    };
    const audited = async (type: string) => (await store.audit.tail({ limit: 100 })).filter((event) => event.type === type);

    it('declares its amr values, a title, how the page waits and its wording', () => {
      expect(subject.factor.amr.length).toBeGreaterThan(0);
      expect(subject.factor.title).not.toBe('');
      expect(['code', 'out-of-band', 'browser']).toContain(subject.factor.waiting);
      expect(subject.factor.wording.submit).not.toBe('');
      expect(subject.factor.wording.failed).not.toBe('');
      expect(Boolean(subject.factor.enroll) !== Boolean(subject.factor.standby)).toBe(true);
      expect({ enrolls: Boolean(subject.factor.enroll), challenges: Boolean(subject.factor.challenge), outOfBand: subject.factor.waiting === 'out-of-band' })
        .toEqual({ enrolls: kind.enrolls, challenges: kind.challenges, outOfBand: kind.outOfBand });
      expect(Boolean(subject.factor.wording.resend)).toBe(kind.resends ?? kind.challenges);
      expect(Boolean(subject.factor.peek) && Boolean(subject.answerElsewhere)).toBe(kind.outOfBand);
    });

    if (kind.enrolls) {
      it('saves a method only after a right answer during setup, and once when the same proof races itself', async () => {
        const enroll = subject.factor.enroll!;
        const begin = async () => {
          const started = await enroll.begin(account, await enrollInputFor(subject, account));
          if ('error' in started) throw new Error(started.error);
          return started;
        };
        const start = await begin();
        await subject.answerSetupElsewhere?.(start.pending, 'wrong');
        expect(await enroll.finish(account, start.pending, subject.wrongAnswer, async () => true)).toMatchObject({ outcome: 'failed', reason: 'wrong_code' });
        expect(await store.credentials.list(account.id)).toEqual([]);
        // A setup answered elsewhere (a call) is spent by its wrong answer: the person starts again.
        const proof = subject.answerSetupElsewhere ? await begin() : start;
        await subject.answerSetupElsewhere?.(proof.pending, 'right');
        const form = await subject.proveSetup!(proof.pending);
        let taken = false;
        const claimOnce = async () => (taken ? false : (taken = true));
        const results = await Promise.all(Array.from({ length: 5 }, () => enroll.finish(account, proof.pending, form, claimOnce)));
        expect(results.filter((result) => result.outcome === 'ok')).toHaveLength(1);
        // Once, whatever companion a setup brings (the push app's codes come as a \`totp\` method).
        expect((await store.credentials.list(account.id)).filter((credential) => credential.method === subject.factor.id)).toMatchObject([{ accountId: account.id }]);
      });
    }

    it('starts a challenge once: showing the page again starts nothing new and sends nothing', async () => {
      const credential = await enrolled();
      const first = await show('uid-1', credential);
      const again = await show('uid-1', credential);
      const sent = await audited('mfa.challenge');
      if (!subject.factor.challenge) {
        expect([first.challenge, again.challenge]).toEqual([undefined, undefined]);
        expect(sent).toEqual([]);
        expect(await store.attempts.attemptTimes(`send:${account.id}`, 0)).toEqual([]);
        return;
      }
      expect(again.challenge).toEqual(first.challenge);
      expect(sent.map((event) => event.reason)).toEqual(['sent']);
      expect(first.challenge!.expiresAt - first.challenge!.startedAt).toBeGreaterThan(0);
      expect(first.challenge!.expiresAt - first.challenge!.startedAt).toBeLessThanOrEqual(15 * 60_000);
    });

    if (kind.resends ?? kind.challenges) it('throttles "send again" per account, and audits each refusal', async () => {
      const credential = await enrolled();
      await show('uid-1', credential);
      // Too soon after the first; and the refused request counts towards the window, as a burst should.
      expect((await show('uid-1', credential, true)).refusal).toMatchObject({ refused: 'sends' });
      for (let i = 0; i < 3; i++) {
        clock.advance(31_000);
        expect((await show('uid-1', credential, true)).refusal).toBeUndefined();
      }
      clock.advance(31_000);
      expect((await show('uid-1', credential, true)).refusal).toMatchObject({ refused: 'sends' });
      // A factor may withhold sends for reasons of its own (push pauses after unanswered requests);
      // each refusal of the send throttle is audited as such.
      expect((await audited('mfa.challenge')).filter((event) => event.result === 'fail' && event.reason === 'send limit')).toHaveLength(2);
      // Racing requests to send see each other: at most the allowance goes, however many race.
      clock.advance(16 * 60_000);
      const racing = await Promise.all(Array.from({ length: 8 }, (_, i) => show(`race-${i}`, credential)));
      expect(racing.filter((shown) => !shown.refusal).length).toBeLessThanOrEqual(5);
    });

    if (kind.challenges) it("does not accept one sign-in's answer in another sign-in's challenge", async () => {
      const credential = await enrolled();
      const mine = (await show('uid-1', credential)).challenge!;
      clock.advance(31_000);
      const other = (await show('uid-2', credential)).challenge!;
      if (subject.answerElsewhere) await subject.answerElsewhere(mine.state, 'approve');
      const form = await subject.proveSignIn(credential, mine.state);
      expect((await submit(credential, form, other.state)).outcome).not.toBe('ok');
      expect((await submit(credential, form, mine.state)).outcome).toBe('ok');
    });

    if (kind.challenges) it('refuses an answer once its challenge has expired', async () => {
      const credential = await enrolled();
      const { challenge } = await show('uid-1', credential);
      if (subject.answerElsewhere) await subject.answerElsewhere(challenge!.state, 'approve');
      const form = await subject.proveSignIn(credential, challenge!.state);
      clock.advance(challenge!.expiresAt - challenge!.startedAt + 1);
      expect(await submit(credential, form, challenge!.state)).toEqual({ outcome: 'expired' });
    });

    if (kind.outOfBand) it('answers "pending" until an answer given elsewhere is in, counting nothing, and "denied" when refused', async () => {
      const credential = await enrolled();
      const { challenge } = await show('uid-1', credential);
      for (let i = 0; i < 12; i++) expect(await submit(credential, {}, challenge!.state)).toEqual({ outcome: 'pending' });
      expect(await regulator.status('mfa', account.id)).toMatchObject({ failures: 0, lockedUntil: null });
      expect(await subject.factor.peek!(challenge!.state)).toBe('pending');
      await subject.answerElsewhere!(challenge!.state, 'deny');
      expect(await subject.factor.peek!(challenge!.state)).toBe('answered');
      expect(await submit(credential, {}, challenge!.state)).toMatchObject({ outcome: 'denied' });
      expect(await regulator.status('mfa', account.id)).toMatchObject({ failures: 1 });
    });

    it('verifies a right answer once and refuses it the second time, in the audit log with the reason', async () => {
      const credential = await enrolled();
      const { challenge } = await show('uid-1', credential);
      if (subject.answerElsewhere) await subject.answerElsewhere(challenge!.state, 'approve');
      const form = await subject.proveSignIn(credential, challenge?.state);
      expect(await submit(credential, form, challenge?.state)).toMatchObject({ outcome: 'ok', credential: { id: credential.id } });
      const second: { outcome: string } = await submit(credential, form, challenge?.state);
      expect(second.outcome).not.toBe('ok');
      expect((await audited('mfa.verify')).map((event) => event.result)).toEqual(['ok', 'fail']);
    });

    it('accepts a right answer only once when the same answer races itself', async () => {
      const credential = await enrolled();
      const { challenge } = await show('uid-1', credential);
      if (subject.answerElsewhere) await subject.answerElsewhere(challenge!.state, 'approve');
      const form = await subject.proveSignIn(credential, challenge?.state);
      const results = await Promise.all(Array.from({ length: 8 }, () => submit(credential, form, challenge?.state)));
      expect(results.filter((result) => result.outcome === 'ok')).toHaveLength(1);
    });

    if (!kind.outOfBand) it('turns wrong and malformed answers into typed failures, never a throw, and counts them', async () => {
      const credential = await enrolled();
      const { challenge } = await show('uid-1', credential);
      const state = challenge?.state;
      expect(await submit(credential, subject.wrongAnswer, state)).toMatchObject({ outcome: 'failed', reason: 'wrong_code' });
      expect(await submit(credential, {}, state)).toMatchObject({ outcome: 'failed', reason: 'malformed' });
      expect(await submit(credential, { code: 'x'.repeat(5000) }, state)).toMatchObject({ outcome: 'failed', reason: 'malformed' });
      expect(await subject.factor.verify({ account, credentials: [], form: await subject.proveSignIn(credential, state), state })).toMatchObject({ outcome: 'failed', reason: 'no_credential' });
      expect(await regulator.status('mfa', account.id)).toMatchObject({ failures: 3 });
    });

    if (!kind.outOfBand) it('locks after repeated failures, and then refuses even a right answer', async () => {
      const credential = await enrolled();
      const { challenge } = await show('uid-1', credential);
      for (let i = 0; i < defaultRegulationRules.mfa.threshold; i++) await submit(credential, subject.wrongAnswer, challenge?.state);
      const right = await submit(credential, await subject.proveSignIn(credential, challenge?.state), challenge?.state);
      expect(right).toMatchObject({ outcome: 'refused', refusal: { refused: 'locked' } });
    });

    it('describes a credential without revealing its secret', async () => {
      const credential = await enrolled();
      const label = subject.factor.describe(credential);
      expect(label).toContain(subject.factor.title);
      expect(label).not.toContain(credential.secret ?? '\u0000');
    });
  });
}
