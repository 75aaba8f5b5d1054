// Every factor's attempts go through here: per-account lockouts and per-network limits,
// recorded in the store so all nodes agree.
import type { AttemptStore, AuditEvent } from '../store/types.js';
import { decideSend, gate, type LockoutRules, type SendRules, startAttempt, triesLeft } from './decide.js';
import { networkOf } from './network.js';

export type AttemptKind = 'password' | 'mfa';

export interface RegulationRules {
  mfa: LockoutRules;
  password: LockoutRules;
  /** Failed attempts from one network within the window before it is refused. */
  networkFailures: number;
  networkWindowSeconds: number;
  /** Texts, calls and pushes sent to one account. */
  sends: SendRules;
}

export const defaultRegulationRules: RegulationRules = {
  mfa: { threshold: 10, lockSeconds: 15 * 60, permanentAfter: 100, maxLockSeconds: 7 * 86400 },
  // Passwords lock for a while but never for good: anyone who knows a username could
  // otherwise lock its owner out for good.
  password: { threshold: 10, lockSeconds: 15 * 60, permanentAfter: null, maxLockSeconds: 86400 },
  networkFailures: 100,
  networkWindowSeconds: 15 * 60,
  sends: { minIntervalSeconds: 30, perWindow: 5, windowSeconds: 15 * 60 },
};

/** The rules a deployment configured; the password lock never becomes permanent. */
export function regulationRulesFrom(config: { lockoutThreshold: number; lockoutDuration: number; lockoutPermanentAfter: number; networkFailureLimit: number; networkFailureWindow: number }): RegulationRules {
  const lock = { threshold: config.lockoutThreshold, lockSeconds: config.lockoutDuration };
  return {
    mfa: { ...defaultRegulationRules.mfa, ...lock, permanentAfter: config.lockoutPermanentAfter },
    password: { ...defaultRegulationRules.password, ...lock },
    networkFailures: config.networkFailureLimit,
    networkWindowSeconds: config.networkFailureWindow,
    sends: defaultRegulationRules.sends,
  };
}

export type Refusal = { refused: 'locked'; until: number | null } | { refused: 'network' } | { refused: 'sends'; until: number };

export interface Attempt {
  /** Undefined when the attempt may go ahead; then call `succeeded` or `failed`, with the
   * step's audit event (from `Audit.entry`): it is written in the same store write. */
  refusal?: Refusal;
  succeeded(audit?: AuditEvent): Promise<void>;
  failed(audit?: AuditEvent): Promise<void>;
}

export interface Regulator {
  /** Starts a guess (a code, a password): counted now, before it is checked. */
  begin(kind: AttemptKind, accountId: string, ip: string): Promise<Attempt>;
  /** Whether the account may answer at all now, without counting a guess: for answers given
   * elsewhere (a push, a call), which cannot be guessed from the browser. */
  check(kind: AttemptKind, accountId: string, ip: string): Promise<Refusal | undefined>;
  /** Takes one send (a text, a call, a push) from the account's allowance, or says when the next may go. */
  send(accountId: string, ip: string, options: { resend: boolean }): Promise<Refusal | undefined>;
  unlock(kind: AttemptKind, accountId: string): Promise<void>;
  /** Guesses the account has left before it locks (0 while locked), so a page can warn when few remain. */
  triesLeft(kind: AttemptKind, accountId: string): Promise<number>;
  status(kind: AttemptKind, accountId: string): ReturnType<AttemptStore['get']>;
}

export function createRegulator(store: AttemptStore, rules: RegulationRules, now: () => number): Regulator {
  const subject = (kind: AttemptKind, accountId: string) => `${kind}:${accountId}`;
  return {
    async begin(kind, accountId, ip) {
      const key = subject(kind, accountId);
      const network = networkOf(ip);
      const at = now();
      const settle = (ok: boolean, audit?: AuditEvent) => store.settle({ subject: key, network, ok, at: now(), audit });
      const noop = { succeeded: async () => {}, failed: async () => {} };

      if ((await store.failuresFromNetwork(network, at - rules.networkWindowSeconds * 1000)) >= rules.networkFailures) {
        return { refusal: { refused: 'network' }, ...noop };
      }
      let admitted = false;
      const state = await store.update(key, (current) => {
        const next = startAttempt(current, at, rules[kind]);
        admitted = next !== current;
        return next;
      });
      if (!admitted) return { refusal: { refused: 'locked', until: state.permanent ? null : state.lockedUntil }, ...noop };
      // A success clears the count (`afterSuccess`); a failure stays counted from `startAttempt`.
      return {
        succeeded: (audit) => settle(true, audit),
        failed: (audit) => settle(false, audit),
      };
    },
    async check(kind, accountId, ip) {
      if ((await store.failuresFromNetwork(networkOf(ip), now() - rules.networkWindowSeconds * 1000)) >= rules.networkFailures) return { refused: 'network' };
      const state = await store.get(subject(kind, accountId));
      const open = gate(state, now());
      return open.allowed ? undefined : { refused: 'locked', until: open.until };
    },
    async send(accountId, ip, { resend }) {
      // A locked account gets nothing sent: no texts or calls for someone who may not answer.
      const state = await store.get(subject('mfa', accountId));
      const open = gate(state, now());
      if (!open.allowed) return { refused: 'locked', until: open.until };
      const key = `send:${accountId}`;
      const at = now();
      // Counted in the attempts table, so every node sees the same sends; recorded before it is
      // judged, so racing sends see each other and can never pass the limit together (a refused
      // send still counts, as a burst past the limit should).
      await store.recordAttempt({ subject: key, network: networkOf(ip), ok: true, at });
      const earlier = await store.attemptTimes(key, at - rules.sends.windowSeconds * 1000);
      earlier.splice(earlier.lastIndexOf(at), 1);
      const decision = decideSend(earlier, at, rules.sends, { resend });
      return decision.allowed ? undefined : { refused: 'sends', until: decision.retryAt };
    },
    unlock: (kind, accountId) => store.reset(subject(kind, accountId)),
    triesLeft: async (kind, accountId) => triesLeft(await store.get(subject(kind, accountId)), now(), rules[kind]),
    status: (kind, accountId) => store.get(subject(kind, accountId)),
  };
}
