// The export file: JSON lines, a header (format, row version, a key check), one line per row,
// and a closing line with the counts, so a cut-off file is refused instead of half imported.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SecretBox } from '../../crypto/secretBox.js';
import { type Cell, type Row, type StoreTransfer, type TransferTable, transferColumns, transferTables } from './types.js';

export const exportFormat = 1;
// Sealed with the store's key: an import opens it to prove it has the same key, without the
// file ever holding a secret in the clear.
const keyCheckContext = 'twofold.export.key-check';
const keyCheckText = 'the encryption key of this export';

interface Header {
  twofold: 'export';
  format: number;
  rowsVersion: number;
  exportedAt: string;
  keyCheck: string;
}

export async function* exportLines(transfer: StoreTransfer, box: SecretBox, now: () => number = Date.now): AsyncGenerator<string> {
  const header: Header = { twofold: 'export', format: exportFormat, rowsVersion: transfer.rowsVersion, exportedAt: new Date(now()).toISOString(), keyCheck: box.seal(keyCheckText, keyCheckContext) };
  yield JSON.stringify(header);
  const counts: Record<string, number> = {};
  for (const table of transferTables) {
    counts[table] = 0;
    for await (const row of transfer.rows(table)) {
      counts[table] += 1;
      yield JSON.stringify({ table, row });
    }
  }
  yield JSON.stringify({ end: true, counts });
}

export class ImportRefusedError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ImportRefusedError';
  }
}

const isCell = (value: unknown): value is Cell => value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));

/** Reads and checks the whole file before anything is written: every problem is reported, with its line. */
export async function readExport(file: string, box: SecretBox, rowsVersion: number): Promise<Map<TransferTable, Row[]>> {
  const tables = new Map<TransferTable, Row[]>(transferTables.map((table) => [table, []]));
  const problems: string[] = [];
  const problem = (line: number, text: string) => {
    if (problems.length < 20) problems.push(`${file}:${line}: ${text}`);
  };
  let header: Header | undefined;
  let end: { counts: Record<string, number> } | undefined;
  let number = 0;
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const text of lines) {
    number += 1;
    if (!text.trim()) continue;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(text) as Record<string, unknown>;
    } catch {
      problem(number, 'not a JSON line');
      continue;
    }
    if (number === 1) {
      if (value.twofold !== 'export' || value.format !== exportFormat) throw new ImportRefusedError([`${file} is not a Twofold export (format ${exportFormat})`]);
      header = value as unknown as Header;
      if (header.rowsVersion !== rowsVersion) {
        throw new ImportRefusedError([`${file} was exported by a Twofold whose store is at version ${header.rowsVersion}; this one is at ${rowsVersion}: export and import with the same version`]);
      }
      try {
        if (box.open(String(header.keyCheck), keyCheckContext) !== keyCheckText) throw new Error('mismatch');
      } catch {
        throw new ImportRefusedError([`${file} was exported with a different TWOFOLD_ENCRYPTION_KEY: its sealed secrets (authenticator seeds, phone numbers, client secrets, sign-in state) open only with that key. Import with the same key.`]);
      }
      continue;
    }
    if (end) {
      problem(number, 'data after the closing line');
      continue;
    }
    if (value.end === true) {
      end = value as unknown as typeof end;
      continue;
    }
    const table = value.table as TransferTable;
    const row = value.row as Record<string, unknown> | undefined;
    if (!transferTables.includes(table)) {
      problem(number, `unknown table ${JSON.stringify(value.table)}`);
      continue;
    }
    if (!row || typeof row !== 'object' || Array.isArray(row)) {
      problem(number, 'a row must be an object');
      continue;
    }
    const unknown = Object.keys(row).filter((column) => !transferColumns[table].includes(column));
    // Every column is written by both adapters; only the audit log's row number is the store's own.
    const missing = transferColumns[table].filter((column) => !(column in row) && !(table === 'audit' && column === 'id'));
    const badValue = Object.entries(row).find(([, cell]) => !isCell(cell));
    if (unknown.length) problem(number, `${table} has no column ${unknown.map((c) => `'${c}'`).join(', ')}`);
    else if (missing.length) problem(number, `${table} row lacks ${missing.map((c) => `'${c}'`).join(', ')}`);
    else if (badValue) problem(number, `${table}.${badValue[0]} must be text, a number or null`);
    else tables.get(table)!.push(row as Row);
  }
  if (!header) throw new ImportRefusedError([`${file} is empty`]);
  if (!end) problems.push(`${file} has no closing line: it was cut off, so nothing was imported`);
  else {
    for (const table of transferTables) {
      const expected = end.counts?.[table] ?? 0;
      if (expected !== tables.get(table)!.length && !problems.length) problems.push(`${file}: ${table} should have ${expected} rows but has ${tables.get(table)!.length}`);
    }
  }
  if (problems.length) throw new ImportRefusedError(problems);
  return tables;
}
