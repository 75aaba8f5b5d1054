// Hostile import files: OATH token lists (CSV and PSKC XML) and database exports (JSON lines),
// broken in the ways files from other systems and from attackers are.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

export interface ImportFile {
  name: string;
  /** File contents (a Buffer for bytes that are not UTF-8). */
  body: string | Buffer;
}

const header = 'upn,serial number,secret key,time interval,manufacturer,model,type,counter';
const csvRow = (fields: Partial<Record<'upn' | 'serial' | 'secret' | 'interval' | 'manufacturer' | 'model' | 'type' | 'counter', string>>) =>
  [fields.upn ?? '', fields.serial ?? 'FUZZ0001', fields.secret ?? 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', fields.interval ?? '30', fields.manufacturer ?? 'Token2', fields.model ?? 'C202', fields.type ?? 'totp', fields.counter ?? ''].join(',');

export const csvFiles: ImportFile[] = [
  { name: 'empty', body: '' },
  { name: 'header only', body: `${header}\n` },
  { name: 'unbalanced quote', body: `${header}\n"FUZZ,${csvRow({})}\n` },
  { name: 'nul bytes', body: `${header}\n${csvRow({ serial: 'FU\u0000ZZ' })}\n` },
  { name: 'invalid utf-8', body: Buffer.concat([Buffer.from(`${header}\n`), Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from(`,${csvRow({}).slice(1)}\n`)]) },
  { name: 'formula injection', body: `${header}\n${csvRow({ serial: '=cmd|\' /C calc\'!A0', model: '@SUM(1+1)' })}\n` },
  { name: 'sql and template in fields', body: `${header}\n${csvRow({ serial: "X'; DROP TABLE token_inventory; --", model: '{{7*7}} zq', manufacturer: '{"$gt":""}' })}\n` },
  { name: 'secret not base32 or hex', body: `${header}\n${csvRow({ secret: '!!!not a secret!!!' })}\n` },
  { name: 'secret too short and too long', body: `${header}\n${csvRow({ secret: 'AB' })}\n${csvRow({ serial: 'FUZZ0002', secret: 'A'.repeat(100_000) })}\n` },
  { name: 'negative and huge numbers', body: `${header}\n${csvRow({ interval: '-30', counter: '-1', type: 'hotp' })}\n${csvRow({ serial: 'FUZZ0002', interval: '9'.repeat(400), counter: '1e309', type: 'hotp' })}\n` },
  { name: 'unknown type', body: `${header}\n${csvRow({ type: '__proto__' })}\n` },
  { name: 'wrong column count', body: `${header}\na,b\n${csvRow({})},extra,extra\n` },
  { name: 'duplicate serials', body: `${header}\n${csvRow({})}\n${csvRow({})}\n` },
  { name: 'unknown person', body: `${header}\n${csvRow({ upn: "nobody' OR '1'='1" })}\n` },
  { name: 'one megabyte line', body: `${header}\n${csvRow({ model: 'M'.repeat(1024 * 1024) })}\n` },
  { name: 'bom and crlf', body: `\uFEFF${header}\r\n${csvRow({})}\r\n` },
  { name: 'binary', body: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)) },
];

const pskc = (keyPackage: string) => `<?xml version="1.0" encoding="UTF-8"?>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">${keyPackage}</KeyContainer>`;
const keyPackage = ({ serial = 'PSKCFUZZ', algorithm = 'urn:ietf:params:xml:ns:keyprov:pskc:totp', secret = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=', length = '6', extra = '' } = {}) => `
  <KeyPackage><DeviceInfo><Manufacturer>Feitian</Manufacturer><SerialNo>${serial}</SerialNo><Model>c200</Model></DeviceInfo>
    <Key Id="${serial}" Algorithm="${algorithm}"><AlgorithmParameters><ResponseFormat Length="${length}" Encoding="DECIMAL"/></AlgorithmParameters>
      <Data><Secret><PlainValue>${secret}</PlainValue></Secret><TimeInterval><PlainValue>30</PlainValue></TimeInterval></Data>${extra}</Key></KeyPackage>`;

export const pskcFiles: ImportFile[] = [
  { name: 'empty', body: '' },
  { name: 'not xml', body: 'this is not xml <' },
  { name: 'unclosed tags', body: pskc('<KeyPackage><DeviceInfo>') },
  {
    name: 'entity expansion (billion laughs)',
    body: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">${keyPackage({ serial: '&lol9;' })}</KeyContainer>`,
  },
  { name: 'external entity (XXE)', body: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">${keyPackage({ serial: '&xxe;' })}</KeyContainer>` },
  { name: 'deep nesting', body: pskc('<a>'.repeat(10_000) + '</a>'.repeat(10_000)) },
  { name: 'wrong namespace', body: keyPackage().replace('<KeyPackage>', '<KeyContainer xmlns="urn:example"><KeyPackage>') + '</KeyContainer>' },
  { name: 'unknown algorithm', body: pskc(keyPackage({ algorithm: 'urn:example:{{7*7}} zq' })) },
  { name: 'secret not base64', body: pskc(keyPackage({ secret: '!!!' })) },
  { name: 'huge secret', body: pskc(keyPackage({ secret: 'A'.repeat(1024 * 1024) })) },
  { name: 'odd lengths', body: pskc(keyPackage({ length: '-1' }) + keyPackage({ serial: 'PSKCFUZ2', length: '99999999999999999999' })) },
  { name: 'encrypted without a key', body: readFileSync(join(packageRoot, 'examples', 'oath', 'tokens-psk.pskc.xml'), 'utf8') },
  { name: 'injection in serial', body: pskc(keyPackage({ serial: "X'; DROP TABLE token_inventory; --&lt;script&gt;" })) },
  { name: 'cdata and comments everywhere', body: pskc(keyPackage({ secret: '<![CDATA[MTIz]]><!-- x -->NDU2' })) },
  { name: 'processing instructions', body: `<?xml version="1.0"?><?xml-stylesheet href="http://127.0.0.1:1/x.xsl"?>${pskc(keyPackage())}` },
];

/** Database exports: a real one (header, rows, closing counts) broken in each way. */
export function dbFiles(realExport: string): ImportFile[] {
  const lines = realExport.trimEnd().split('\n');
  const [head, ...rest] = lines;
  const rows = rest.slice(0, -1);
  const end = rest.at(-1)!;
  const mutateRows = (change: (row: Record<string, unknown>) => void) => [head, ...rows.map((line) => {
    const parsed = JSON.parse(line) as { table: string; row: Record<string, unknown> };
    change(parsed.row);
    return JSON.stringify(parsed);
  }), end].join('\n');
  return [
    { name: 'empty', body: '' },
    { name: 'not json', body: 'hello\nworld\n' },
    { name: 'header only', body: `${head}\n` },
    { name: 'cut off (no closing line)', body: `${[head, ...rows].join('\n')}\n` },
    { name: 'counts that do not match', body: `${[head, ...rows, JSON.stringify({ end: true, counts: { accounts: 999 } })].join('\n')}\n` },
    { name: 'wrong format version', body: `${[JSON.stringify({ ...JSON.parse(head!), format: 999 }), ...rest].join('\n')}\n` },
    { name: 'wrong key check', body: `${[JSON.stringify({ ...JSON.parse(head!), keyCheck: 'v1:AAAA:AAAA:AAAA' }), ...rest].join('\n')}\n` },
    { name: 'unknown table', body: `${[head, JSON.stringify({ table: 'sqlite_master', row: { sql: 'DROP TABLE accounts' } }), ...rest].join('\n')}\n` },
    { name: 'prototype pollution', body: `${[head, '{"table":"accounts","row":{"__proto__":{"admin":true}}}', ...rest].join('\n')}\n` },
    { name: 'cells of the wrong type', body: mutateRows((row) => { for (const key of Object.keys(row)) row[key] = { $gt: '' }; }) },
    { name: 'cells with hostile text', body: mutateRows((row) => { for (const key of Object.keys(row)) if (typeof row[key] === 'string') row[key] = `${row[key] as string}'; DROP TABLE accounts; --{{7*7}} zq\u0000\uD800`; }) },
    { name: 'missing columns', body: mutateRows((row) => { for (const key of Object.keys(row).slice(1)) delete row[key]; }) },
    { name: 'a one megabyte line', body: `${[head, JSON.stringify({ table: 'accounts', row: { id: 'x'.repeat(1024 * 1024) } }), ...rest].join('\n')}\n` },
    { name: 'invalid utf-8', body: Buffer.concat([Buffer.from(`${head}\n`), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(`${rest.join('\n')}\n`)]) },
  ];
}
