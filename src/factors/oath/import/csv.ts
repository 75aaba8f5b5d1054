// The CSV layout token vendors ship for bulk upload (as Microsoft Entra takes it):
//   upn,serial number,secret key,time interval,manufacturer,model
// plus optional columns Twofold reads when present: `type` (totp or hotp), `counter` (HOTP: the
// next code's counter), `digits` (6 or 8) and `algorithm` (sha1, sha256, sha512).
import { parse } from 'csv-parse/sync';
import { normalizeSerial } from '../index.js';
import { parseSeed, type SeedFormat } from '../seed.js';
import type { TokenKind } from '../tokenCodes.js';
import { allowedPeriods, type ImportedToken, type Parsed } from './importedToken.js';

export const requiredColumns = ['upn', 'serial number', 'secret key', 'time interval', 'manufacturer', 'model'] as const;
export const optionalColumns = ['type', 'counter', 'digits', 'algorithm'] as const;

export interface CsvOptions {
  secretFormat?: SeedFormat;
  /** The kind of rows without a `type` column. */
  defaultKind?: TokenKind;
}

export function parseTokenCsv(text: string, { secretFormat = 'auto', defaultKind = 'totp' }: CsvOptions = {}): Parsed {
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]!.split(',').map((name) => name.trim().replace(/^"|"$/g, '').toLowerCase());
  const missing = requiredColumns.filter((column) => !header.includes(column));
  if (missing.length) {
    return { tokens: [], problems: [`line 1: the header has no ${missing.map((c) => `'${c}'`).join(', ')} column${missing.length > 1 ? 's' : ''} (expected: ${requiredColumns.join(',')})`] };
  }
  const unknown = header.filter((column) => !(requiredColumns as readonly string[]).includes(column) && !(optionalColumns as readonly string[]).includes(column));
  if (unknown.length) return { tokens: [], problems: [`line 1: unknown column ${unknown.map((c) => `'${c}'`).join(', ')} (optional columns: ${optionalColumns.join(', ')})`] };
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as never;
  } catch (error) {
    const { lines } = error as { lines?: number };
    return { tokens: [], problems: [`${lines ? `line ${lines}: ` : ''}not readable as CSV (${(error as Error).message.replace(/^Invalid Record Length: /, '')})`] };
  }
  if (!records.length) return { tokens: [], problems: ['the file has a header but no tokens'] };

  const tokens: ImportedToken[] = [];
  const problems: string[] = [];
  for (const { record, info } of records) {
    const where = `line ${info.lines}`;
    const rowProblems: string[] = [];
    const problem = (message: string) => rowProblems.push(`${where}: ${message}`);
    const serial = normalizeSerial(record['serial number']);
    if (!serial) problem('the serial number is empty');
    else if (!/^[A-Z0-9._:/]+$/.test(serial)) problem(`the serial number '${record['serial number']}' may hold only letters, digits and . _ : /`);
    const seed = parseSeed(record['secret key'] ?? '', secretFormat);
    if ('error' in seed) problem(seed.error);
    const type = (record.type ?? '').toLowerCase() || defaultKind;
    if (type !== 'totp' && type !== 'hotp') problem(`unknown type '${record.type}': totp or hotp`);
    const kind = type === 'hotp' ? 'hotp' : 'totp';
    const intervalText = record['time interval'] ?? '';
    let period = 30;
    if (kind === 'totp') {
      period = Number(intervalText);
      if (!allowedPeriods.includes(period)) problem(`time interval '${intervalText}' is not supported: ${allowedPeriods.join(' or ')} seconds`);
    } else if (intervalText && intervalText !== '0') {
      problem(`an HOTP token has no time interval, but it is '${intervalText}'`);
    }
    const counterText = record.counter ?? '';
    const counter = counterText === '' ? 0 : Number(counterText);
    if (!Number.isSafeInteger(counter) || counter < 0 || !/^\d*$/.test(counterText)) problem(`counter '${counterText}' must be a whole number from 0`);
    if (kind === 'totp' && counterText !== '' && counter !== 0) problem('a TOTP token has no counter');
    const digits = record.digits ? Number(record.digits) : 6;
    if (digits !== 6 && digits !== 8) problem(`digits '${record.digits}' must be 6 or 8`);
    const algorithm = (record.algorithm || 'sha1').toLowerCase().replace('-', '');
    if (!['sha1', 'sha256', 'sha512'].includes(algorithm)) problem(`algorithm '${record.algorithm}' must be sha1, sha256 or sha512`);
    if (rowProblems.length) {
      problems.push(...rowProblems);
      continue;
    }
    tokens.push({
      where, serial, secret: (seed as { hex: string }).hex, kind, digits: digits as 6 | 8, period, algorithm: algorithm as ImportedToken['algorithm'], counter,
      manufacturer: record.manufacturer || null, model: record.model || null, upn: record.upn || null,
    });
  }
  return { tokens, problems };
}
