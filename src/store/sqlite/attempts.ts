import { type AttemptOutcome, type AttemptStore, freshRegulationState, type RegulationState } from '../types.js';
import { auditInserter } from './audit.js';
import type { Db } from './database.js';

interface RegulationRow {
  failures: number;
  locks: number;
  locked_until: number | null;
  permanent: number;
}

export function sqliteAttempts(db: Db, now: () => number): AttemptStore {
  const select = db.prepare('SELECT failures, locks, locked_until, permanent FROM regulation WHERE subject = ?');
  const read = (subject: string): RegulationState => {
    const row = select.get(subject) as RegulationRow | undefined;
    return row ? { failures: row.failures, locks: row.locks, lockedUntil: row.locked_until, permanent: row.permanent === 1 } : { ...freshRegulationState };
  };
  const write = db.prepare(`INSERT INTO regulation (subject, failures, locks, locked_until, permanent, updated_at) VALUES (@subject, @failures, @locks, @lockedUntil, @permanent, @at)
    ON CONFLICT (subject) DO UPDATE SET failures = excluded.failures, locks = excluded.locks, locked_until = excluded.locked_until,
      permanent = excluded.permanent, updated_at = excluded.updated_at`);
  // better-sqlite3 transactions are synchronous, so read-change-write happens as one step.
  const update = db.transaction((subject: string, change: (state: RegulationState) => RegulationState) => {
    const next = change(read(subject));
    write.run({ subject, ...next, permanent: next.permanent ? 1 : 0, at: now() });
    return next;
  });
  const selectTimes = db.prepare('SELECT at FROM attempts WHERE subject = ? AND at > ? ORDER BY at');
  const deleteState = db.prepare('DELETE FROM regulation WHERE subject = ?');
  const insertAttempt = db.prepare('INSERT INTO attempts (subject, network, ok, at) VALUES (?, ?, ?, ?)');
  const countNetworkFailures = db.prepare('SELECT COUNT(*) AS n FROM attempts WHERE network = ? AND ok = 0 AND at > ?');
  const appendAudit = auditInserter(db);
  // One commit for what a step's end writes, instead of three: a success's cleared state (as
  // `afterSuccess` would leave it, whatever it was), the attempt, and the audit event.
  const settle = db.transaction(({ subject, network, ok, at, audit }: AttemptOutcome) => {
    if (ok) write.run({ subject, ...freshRegulationState, permanent: 0, at: now() });
    insertAttempt.run(subject, network, ok ? 1 : 0, at);
    if (audit) appendAudit(audit);
  });
  return {
    async get(subject) {
      return read(subject);
    },
    async update(subject, change) {
      return update.immediate(subject, change);
    },
    async reset(subject) {
      deleteState.run(subject);
    },
    async recordAttempt({ subject, network, ok, at }) {
      insertAttempt.run(subject, network, ok ? 1 : 0, at);
    },
    async attemptTimes(subject, since) {
      return (selectTimes.all(subject, since) as { at: number }[]).map((row) => row.at);
    },
    async failuresFromNetwork(network, since) {
      return (countNetworkFailures.get(network, since) as { n: number }).n;
    },
    async settle(outcome) {
      settle.immediate(outcome);
    },
  };
}
