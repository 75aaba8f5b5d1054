import { parseSeed } from '../seed.js';
import { parseTokenCsv } from './csv.js';

const header = 'upn,serial number,secret key,time interval,manufacturer,model';
const hex = '3132333435363738393031323334353637383930';

test('reads the vendor layout, with optional columns, quoted fields and a byte-order mark', () => {
  const parsed = parseTokenCsv(`\uFEFF${header},type,counter,digits,algorithm\r\n"alice",sn-1,${hex},60,"Token2, Inc.",C202,,,8,SHA256\r\n,SN2,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,,Feitian,c100,HOTP,7,,\r\n`);
  expect(parsed.problems).toEqual([]);
  expect(parsed.tokens).toEqual([
    { where: 'line 2', serial: 'SN1', secret: hex, kind: 'totp', digits: 8, period: 60, algorithm: 'sha256', counter: 0, manufacturer: 'Token2, Inc.', model: 'C202', upn: 'alice' },
    { where: 'line 3', serial: 'SN2', secret: hex, kind: 'hotp', digits: 6, period: 30, algorithm: 'sha1', counter: 7, manufacturer: 'Feitian', model: 'c100', upn: null },
  ]);
});

test('--type hotp applies to rows without a type column', () => {
  const parsed = parseTokenCsv(`${header}\n,SN1,${hex},,Feitian,c100\n`, { defaultKind: 'hotp' });
  expect(parsed.tokens[0]).toMatchObject({ kind: 'hotp', counter: 0 });
});

test('reports every bad line with its reason', () => {
  const parsed = parseTokenCsv(`${header},type,counter\n,,${hex},30,a,b,,\n,SN2,${hex},30,a,b,motp,\n,SN3,${hex},30,a,b,totp,5\n,SN4,${hex},15,a,b,hotp,-1\n`);
  expect(parsed.problems).toEqual([
    'line 2: the serial number is empty',
    "line 3: unknown type 'motp': totp or hotp",
    'line 4: a TOTP token has no counter',
    "line 5: an HOTP token has no time interval, but it is '15'",
    "line 5: counter '-1' must be a whole number from 0",
  ]);
});

test('a file that is not CSV, an unknown column, or a header alone is refused', () => {
  expect(parseTokenCsv(`${header}\n,SN1,${hex},30\n`).problems[0]).toMatch(/^line 2: not readable as CSV/);
  expect(parseTokenCsv(`${header},colour\n,SN1,${hex},30,a,b,red\n`).problems).toEqual(["line 1: unknown column 'colour' (optional columns: type, counter, digits, algorithm)"]);
  expect(parseTokenCsv(`${header}\n`).problems).toEqual(['the file has a header but no tokens']);
});

test('seeds: base32 or hex, told apart, ambiguity refused unless the format is given', () => {
  expect(parseSeed('GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ')).toEqual({ hex });
  expect(parseSeed(hex.toUpperCase())).toEqual({ hex });
  const ambiguous = 'ABCDEF234567ABCDEF234567ABCDEF23';
  expect(parseSeed(ambiguous)).toEqual({ error: 'the secret key could be base32 or hex: say which with --secret-format' });
  expect(parseSeed(ambiguous, 'hex')).toEqual({ hex: ambiguous.toLowerCase() });
  expect(parseSeed(ambiguous, 'base32')).toMatchObject({ hex: expect.stringMatching(/^[0-9a-f]{40}$/) });
  expect(parseSeed('GEZDGNBVGY3TQOJQ1')).toEqual({ error: 'the secret key is neither base32 (A-Z, 2-7) nor hex (0-9, a-f)' });
  expect(parseSeed('')).toEqual({ error: 'the secret key is empty' });
});
