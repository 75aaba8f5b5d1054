// `twofold oath import|list|assign|unassign` with the example files in examples/oath: CSV with
// TOTP and HOTP rows, PSKC with plain and pre-shared-key encrypted keys; broken files rejected
// with the line and the reason, and nothing imported; every change audited with who made it.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { twofold } from '../helpers/cli.js';
import { tempDir } from '../helpers/server.js';
import { withStore } from '../helpers/storeAccess.js';

const example = (name: string) => join(packageRoot, 'examples', 'oath', name);
const examplePsk = '12345678901234567890123456789012';
let dataDir: string;
beforeEach(async () => {
  dataDir = tempDir();
  for (const name of ['alice@example.com', 'bob@example.com']) {
    expect((await twofold(dataDir, ['user', 'add', name, '--password-stdin'], 'correct horse battery staple')).code).toBe(0);
  }
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const list = async () => (await twofold(dataDir, ['oath', 'list'])).out;
const inventory = async () => {
  let tokens: { serial: string; accountId: string | null; secret: string; counter: number | null; data: Record<string, unknown> }[] = [];
  await withStore(dataDir, async (store) => {
    tokens = await store.tokens.list('oath');
  });
  return tokens;
};
/** A broken copy of the example CSV: one line replaced. */
const brokenCsv = (line: number, replacement: string) => {
  const lines = ['upn,serial number,secret key,time interval,manufacturer,model,type,counter',
    'alice@example.com,TOTP0001,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,Token2,C202,totp,',
    ',TOTP0002,3bcc31ebaa0efa4348ef8f795a69b5e4f7ea44cc,60,Token2,C202,totp,',
    'bob@example.com,HOTP0001,5892495217a1f8d43b1f25696c29a621b9a84c62,,Feitian,OTP c100,hotp,0'];
  lines[line - 1] = replacement;
  const file = join(dataDir, 'broken.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};

test('imports the example CSV: TOTP and HOTP rows, base32 and hex keys, assigned or in stock, seeds encrypted at rest', async () => {
  const result = await twofold(dataDir, ['oath', 'import', example('tokens.csv')]);
  expect(result).toMatchObject({ code: 0, out: ['imported 4 tokens from tokens.csv: 2 assigned, 2 in stock'], err: [] });
  expect(await list()).toEqual([
    'SERIAL    TYPE      DIGITS  MANUFACTURER  MODEL     STATE',
    'HOTP0001  hotp      6       Feitian       OTP c100  assigned to bob@example.com, not activated',
    'HOTP0002  hotp      6       Feitian       OTP c100  in stock',
    'TOTP0001  totp/30s  6       Token2        C202      assigned to alice@example.com, not activated',
    'TOTP0002  totp/60s  6       Token2        C202      in stock',
  ]);
  const tokens = await inventory();
  expect(tokens.find((t) => t.serial === 'TOTP0001')!.secret).toBe(Buffer.from('12345678901234567890').toString('hex'));
  expect(tokens.find((t) => t.serial === 'HOTP0002')).toMatchObject({ secret: '8bac16fa731e9971b5d6167e899c58692adf0465', counter: 11 });
  const { readdirSync } = await import('node:fs');
  const files = readdirSync(dataDir).filter((name) => name.startsWith('twofold.db'));
  expect(files.some((name) => readFileSync(join(dataDir, name)).includes('3bcc31ebaa0efa4348ef8f795a69b5e4f7ea44cc'))).toBe(false);
  const audit = (await twofold(dataDir, ['audit', 'tail', '--lines', '100'])).out.filter((line) => line.includes('token.import'));
  expect(audit).toHaveLength(4);
  expect(audit.join('\n')).toMatch(/token\.import ok user=alice@example\.com method=oath reason="serial TOTP0001 \(totp, C202\) from tokens\.csv line 2, assigned to alice@example\.com" by=cli:/);
});

test('imports PSKC with plain keys, and with keys encrypted under a pre-shared key given on stdin', async () => {
  expect(await twofold(dataDir, ['oath', 'import', example('tokens.pskc.xml')])).toMatchObject({ code: 0, out: ['imported 2 tokens from tokens.pskc.xml: 1 assigned, 1 in stock'] });
  expect(await twofold(dataDir, ['oath', 'import', example('tokens-psk.pskc.xml'), '--psk-stdin'], examplePsk)).toMatchObject({ code: 0, out: ['imported 2 tokens from tokens-psk.pskc.xml: 1 assigned, 1 in stock'] });
  const tokens = await inventory();
  expect(tokens.map((t) => [t.serial, t.data.kind, t.data.digits, t.counter])).toEqual([['PSKC0001', 'totp', 6, null], ['PSKC0002', 'hotp', 6, -1], ['PSKE0001', 'hotp', 6, -1], ['PSKE0002', 'totp', 8, null]]);
  expect(tokens.find((t) => t.serial === 'PSKC0001')!.secret).toBe('b4b0380e68fc221d456a8183a87c45ee17f8614f');
  expect(tokens.find((t) => t.serial === 'PSKE0001')!.secret).toBe('03c2d4c613c6f969f56ee458583f922eb4466c75');
});

test('refuses an encrypted PSKC file without its key, or with the wrong key, importing nothing', async () => {
  expect(await twofold(dataDir, ['oath', 'import', example('tokens-psk.pskc.xml')])).toMatchObject({
    code: 1, err: ['error: tokens-psk.pskc.xml: nothing was imported', "error: tokens-psk.pskc.xml: the keys are encrypted under a pre-shared key ('Pre-shared-key'): give it with --psk-stdin"],
  });
  const wrong = await twofold(dataDir, ['oath', 'import', example('tokens-psk.pskc.xml'), '--psk-stdin'], 'ffffffffffffffffffffffffffffffff');
  expect(wrong.code).toBe(1);
  expect(wrong.err.join('\n')).toMatch(/does not decrypt with this pre-shared key|fails the MAC check/);
  expect(await inventory()).toEqual([]);
});

test('refuses an encrypted PSKC file whose secret was altered: the MAC check fails, nothing is imported', async () => {
  const original = readFileSync(example('tokens-psk.pskc.xml'), 'utf8');
  // Flip one character of the second key's ciphertext (after the MAC key and the first key).
  const values = [...original.matchAll(/<xenc:CipherValue>([^<]+)<\/xenc:CipherValue>/g)];
  const target = values[2]!;
  const flipped = target[1]!.replace(/^(.{10})(.)/, (_all, head: string, char: string) => `${head}${char === 'A' ? 'B' : 'A'}`);
  const file = join(dataDir, 'altered.pskc.xml');
  writeFileSync(file, original.replace(target[1]!, flipped));
  const result = await twofold(dataDir, ['oath', 'import', file, '--psk-stdin'], examplePsk);
  expect(result.code).toBe(1);
  expect(result.err).toContain('error: altered.pskc.xml: key package 2 (serial PSKE0002): its secret fails the MAC check: a wrong pre-shared key, or an altered file');
  expect(await inventory()).toEqual([]);
});

test.each([
  ['bad base32', 2, 'alice@example.com,TOTP0001,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ!,30,Token2,C202,totp,', 'line 2: the secret key is neither base32 (A-Z, 2-7) nor hex (0-9, a-f)'],
  ['unknown interval', 3, ',TOTP0002,3bcc31ebaa0efa4348ef8f795a69b5e4f7ea44cc,45,Token2,C202,totp,', "line 3: time interval '45' is not supported: 30 or 60 seconds"],
  ['duplicate serial', 3, ',TOTP0001,3bcc31ebaa0efa4348ef8f795a69b5e4f7ea44cc,60,Token2,C202,totp,', 'line 3: serial TOTP0001 appears again (first at line 2)'],
  ['missing upn column', 1, 'serial number,secret key,time interval,manufacturer,model,type,counter', "line 1: the header has no 'upn' column (expected: upn,serial number,secret key,time interval,manufacturer,model)"],
  ['unknown person', 4, 'carol@example.com,HOTP0001,5892495217a1f8d43b1f25696c29a621b9a84c62,,Feitian,OTP c100,hotp,0', "line 4: there is no user 'carol@example.com'"],
  ['short key', 2, 'alice@example.com,TOTP0001,GEZDGNBVGY3TQOJQ,30,Token2,C202,totp,', 'line 2: the secret key has 80 bits; at least 128 are needed (RFC 4226)'],
])('rejects a CSV with a %s, naming the line and the reason, and imports nothing', async (_name, line, replacement, message) => {
  const result = await twofold(dataDir, ['oath', 'import', brokenCsv(line, replacement)]);
  expect(result.code).toBe(1);
  expect(result.err[0]).toBe('error: broken.csv: nothing was imported');
  expect(result.err).toContain(`error: broken.csv: ${message}`);
  expect(await inventory()).toEqual([]);
});

test('refuses a serial that is already known, from an earlier import, and keeps the earlier token', async () => {
  expect((await twofold(dataDir, ['oath', 'import', example('tokens.csv')])).code).toBe(0);
  const again = await twofold(dataDir, ['oath', 'import', brokenCsv(4, 'bob@example.com,NEW0001,5892495217a1f8d43b1f25696c29a621b9a84c62,,Feitian,OTP c100,hotp,0')]);
  expect(again.code).toBe(1);
  expect(again.err).toContain('error: broken.csv: line 2: serial TOTP0001 is already in the inventory: a duplicate serial is refused');
  expect((await inventory()).map((t) => t.serial)).toEqual(['HOTP0001', 'HOTP0002', 'TOTP0001', 'TOTP0002']);
});

test('refuses broken PSKC files with the key package and the reason', async () => {
  const file = join(dataDir, 'broken.pskc.xml');
  writeFileSync(file, '<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc"><KeyPackage><DeviceInfo><SerialNo>X1</SerialNo></DeviceInfo><Key Id="X1" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:ocra"><Data><Secret><PlainValue>MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=</PlainValue></Secret></Data></Key></KeyPackage></KeyContainer>');
  const result = await twofold(dataDir, ['oath', 'import', file]);
  expect(result).toMatchObject({ code: 1 });
  expect(result.err[1]).toBe("error: broken.pskc.xml: key package 1 (serial X1): has algorithm 'urn:ietf:params:xml:ns:keyprov:pskc:ocra': only HOTP and TOTP keys (urn:ietf:params:xml:ns:keyprov:pskc:hotp, :totp) are supported");
  writeFileSync(file, '<KeyContainer><KeyPackage>');
  expect((await twofold(dataDir, ['oath', 'import', file])).err[1]).toMatch(/^error: broken.pskc.xml: line 1: not well-formed XML/);
  expect(await inventory()).toEqual([]);
});

test('assigns and unassigns stock tokens, at most five per person, audited with the operating-system user', async () => {
  expect((await twofold(dataDir, ['oath', 'import', example('tokens.csv')])).code).toBe(0);
  expect(await twofold(dataDir, ['oath', 'assign', 'totp0002', 'Alice@example.com'])).toMatchObject({ code: 0, out: ["assigned token TOTP0002 to 'alice@example.com': they activate it from their security info with its serial and a code"] });
  expect(await twofold(dataDir, ['oath', 'assign', 'NOPE', 'alice@example.com'])).toMatchObject({ code: 1, err: ['error: oath assign: there is no token NOPE'] });
  expect(await twofold(dataDir, ['oath', 'assign', 'HOTP0002', 'carol'])).toMatchObject({ code: 1, err: ["error: oath assign: there is no user 'carol'"] });
  expect(await twofold(dataDir, ['oath', 'unassign', 'TOTP0001'])).toMatchObject({ code: 0, out: ['token TOTP0001 is back in stock'] });
  expect((await list()).find((line) => line.startsWith('TOTP0001'))).toMatch(/in stock$/);
  const audit = (await twofold(dataDir, ['audit', 'tail', '--lines', '100'])).out.filter((line) => / token\.(un)?assign /.test(line));
  expect(audit).toHaveLength(2);
  expect(audit.every((line) => / by=cli:\S+$/.test(line))).toBe(true);

  const many = join(dataDir, 'many.csv');
  writeFileSync(many, ['upn,serial number,secret key,time interval,manufacturer,model',
    ...Array.from({ length: 5 }, (_, i) => `bob@example.com,MANY${i},3bcc31ebaa0efa4348ef8f795a69b5e4f7ea44c${i},30,Token2,C202`)].join('\n'));
  const refused = await twofold(dataDir, ['oath', 'import', many]);
  // Bob holds HOTP0001 already: the fifth token in the file would be his sixth.
  expect(refused.err).toContain("error: many.csv: line 6: 'bob@example.com' would hold more than 5 tokens");
  expect(await inventory()).toHaveLength(4);
  writeFileSync(many, readFileSync(many, 'utf8').split('\n').slice(0, 5).join('\n'));
  expect(await twofold(dataDir, ['oath', 'import', many])).toMatchObject({ code: 0, out: ['imported 4 tokens from many.csv: 4 assigned, 0 in stock'] });
  expect(await twofold(dataDir, ['oath', 'assign', 'HOTP0002', 'bob@example.com'])).toMatchObject({ code: 1, err: ["error: oath assign: 'bob@example.com' already holds 5 tokens, the most one person may have"] });
});

test('says what is wrong with the command line', async () => {
  expect(await twofold(dataDir, ['oath', 'import', example('tokens.csv'), '--type', 'motp'])).toMatchObject({ code: 2, err: expect.arrayContaining(["error: oath import: --type must be totp or hotp but is 'motp'"]) });
  expect(await twofold(dataDir, ['oath', 'import', join(dataDir, 'missing.csv')])).toMatchObject({ code: 1, err: [`error: oath import: cannot read '${join(dataDir, 'missing.csv')}' (ENOENT)`] });
  expect(await twofold(dataDir, ['oath', 'frobnicate'])).toMatchObject({ code: 2 });
});
