// A dump of the SQLite store's tables, read straight from the file, to prove that a round of
// hostile input changed nothing it should not have.
import Database from 'better-sqlite3';
import { join } from 'node:path';

/**
 * Tables that are meant to change when input is refused, or on every page visit. Everything
 * else must be byte-for-byte the same after the fuzzer has run.
 */
export const changesExpected: Record<string, string> = {
  audit: 'the audit log records every refusal (a wrong code, a forged form): that is its job',
  attempts: 'regulation counters: each failed attempt is recorded to drive lockouts and rate limits',
  regulation: 'regulation state (lockouts) follows from the failed attempts above',
  oidc_payloads: "oidc-provider's sessions and interactions: every visit to /authorize writes one, and they expire by themselves",
  challenges: 'pending challenges and setups of an interaction in progress: they expire, are never a usable method, and the crash test proves they are not listed',
};

export type Dump = Record<string, string[]>;

export function dumpStore(dataDir: string, except: Record<string, string> = changesExpected): Dump {
  const db = new Database(join(dataDir, 'twofold.db'), { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
    const dump: Dump = {};
    for (const { name } of tables) {
      if (name in except) continue;
      const rows = db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[];
      dump[name] = rows.map((row) => JSON.stringify(row, (_, value) => (Buffer.isBuffer(value) ? value.toString('base64') : typeof value === 'bigint' ? String(value) : value))).sort();
    }
    return dump;
  } finally {
    db.close();
  }
}

/** What differs between two dumps, one line per added or removed row (empty when none). */
export function diffDumps(before: Dump, after: Dump): string[] {
  const lines: string[] = [];
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = new Set(before[table] ?? []);
    const now = new Set(after[table] ?? []);
    for (const row of was) if (!now.has(row)) lines.push(`${table}: - ${row.slice(0, 300)}`);
    for (const row of now) if (!was.has(row)) lines.push(`${table}: + ${row.slice(0, 300)}`);
  }
  return lines;
}
