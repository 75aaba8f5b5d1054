// PSKC (RFC 6030) key containers: keys in the clear (PlainValue) or encrypted under a pre-shared
// key (AES-CBC, section 6.1) with each encrypted value's HMAC-SHA1 checked (section 6.1.1), so a
// wrong key or an altered file is refused rather than imported as garbage seeds.
import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { normalizeSerial } from '../index.js';
import { minimumSeedBytes } from '../seed.js';
import { allowedPeriods, type ImportedToken, type Parsed } from './importedToken.js';

type Node = Record<string, unknown>;

const algorithms: Record<string, 'hotp' | 'totp'> = {
  'urn:ietf:params:xml:ns:keyprov:pskc:hotp': 'hotp',
  'urn:ietf:params:xml:ns:keyprov:pskc#hotp': 'hotp',
  'urn:ietf:params:xml:ns:keyprov:pskc:totp': 'totp',
  'urn:ietf:params:xml:ns:keyprov:pskc#totp': 'totp',
};
const ciphers: Record<string, { name: string; keyBytes: number }> = {
  'http://www.w3.org/2001/04/xmlenc#aes128-cbc': { name: 'aes-128-cbc', keyBytes: 16 },
  'http://www.w3.org/2001/04/xmlenc#aes192-cbc': { name: 'aes-192-cbc', keyBytes: 24 },
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc': { name: 'aes-256-cbc', keyBytes: 32 },
};
const hmacSha1 = 'http://www.w3.org/2000/09/xmldsig#hmac-sha1';

class PskcProblem extends Error {}

const child = (node: unknown, name: string): Node | undefined => {
  const value = (node as Node | undefined)?.[name];
  return value && typeof value === 'object' ? (value as Node) : undefined;
};
const text = (node: unknown, name: string): string | undefined => {
  const value = (node as Node | undefined)?.[name];
  if (typeof value === 'string') return value.trim();
  if (value && typeof value === 'object' && typeof (value as Node)['#text'] === 'string') return ((value as Node)['#text'] as string).trim();
  return undefined;
};
const attribute = (node: unknown, name: string) => text(node, `@${name}`);

/** XML Encryption's AES-CBC: the IV first, then the ciphertext; padding whose last byte says its length. */
function decrypt(encrypted: Node, key: Buffer, what: string): { plain: Buffer } {
  const method = attribute(child(encrypted, 'EncryptionMethod'), 'Algorithm') ?? '';
  const cipher = ciphers[method];
  if (!cipher) throw new PskcProblem(`${what} is encrypted with '${method}': supported are AES-128, 192 and 256 in CBC mode`);
  if (key.length !== cipher.keyBytes) throw new PskcProblem(`${what} needs a ${cipher.keyBytes * 8}-bit pre-shared key, but the key given has ${key.length * 8} bits`);
  const raw = Buffer.from(text(child(encrypted, 'CipherData'), 'CipherValue') ?? '', 'base64');
  if (raw.length < 32 || raw.length % 16) throw new PskcProblem(`${what} has no valid CipherValue`);
  const decipher = createDecipheriv(cipher.name, key, raw.subarray(0, 16)).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]);
  const pad = padded[padded.length - 1]!;
  if (pad < 1 || pad > 16) throw new PskcProblem(`${what} does not decrypt with this pre-shared key`);
  return { plain: padded.subarray(0, padded.length - pad) };
}

export interface PskcOptions {
  /** The pre-shared key, as hex, for files whose keys are encrypted. */
  preSharedKey?: string;
}

export function parsePskc(xml: string, { preSharedKey }: PskcOptions = {}): Parsed {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { tokens: [], problems: [`line ${valid.err.line}: not well-formed XML (${valid.err.msg})`] };
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (name) => name === 'KeyPackage',
    processEntities: false,
  });
  let document: Node;
  try {
    document = parser.parse(xml) as Node;
  } catch (error) {
    // The validator passes some documents the parser refuses (a DOCTYPE declaring an external entity).
    return { tokens: [], problems: [`not a PSKC file this importer reads: ${(error as Error).message}`] };
  }
  const root = child(document, 'KeyContainer');
  if (!root) return { tokens: [], problems: ['not a PSKC file: no KeyContainer element (RFC 6030)'] };
  const packages = (root.KeyPackage as Node[] | undefined) ?? [];
  if (!packages.length) return { tokens: [], problems: ['the KeyContainer holds no KeyPackage'] };

  const encryptionKey = child(root, 'EncryptionKey');
  let psk: Buffer | undefined;
  let macKey: Buffer | undefined;
  try {
    if (encryptionKey) {
      const keyName = text(encryptionKey, 'KeyName');
      if (!preSharedKey) throw new PskcProblem(`the keys are encrypted under a pre-shared key${keyName ? ` ('${keyName}')` : ''}: give it with --psk-stdin`);
      if (!/^(?:[0-9a-fA-F]{2})+$/.test(preSharedKey.trim())) throw new PskcProblem('the pre-shared key must be hex');
      psk = Buffer.from(preSharedKey.trim(), 'hex');
      const macMethod = child(root, 'MACMethod');
      if (!macMethod || attribute(macMethod, 'Algorithm') !== hmacSha1) throw new PskcProblem(`encrypted keys need a MACMethod with HMAC-SHA1 (${hmacSha1}) to check them`);
      const macKeyNode = child(macMethod, 'MACKey');
      if (!macKeyNode) throw new PskcProblem('the MACMethod has no MACKey');
      macKey = decrypt(macKeyNode, psk, 'the MAC key').plain;
    }
  } catch (error) {
    if (error instanceof PskcProblem) return { tokens: [], problems: [error.message] };
    throw error;
  }

  const tokens: ImportedToken[] = [];
  const problems: string[] = [];
  packages.forEach((keyPackage, index) => {
    const device = child(keyPackage, 'DeviceInfo');
    const key = child(keyPackage, 'Key');
    const serial = normalizeSerial(text(device, 'SerialNo') ?? attribute(key, 'Id'));
    const where = `key package ${index + 1}${serial ? ` (serial ${serial})` : ''}`;
    try {
      if (!key) throw new PskcProblem('has no Key');
      if (!serial) throw new PskcProblem('has no serial number (DeviceInfo/SerialNo or Key Id)');
      const kind = algorithms[attribute(key, 'Algorithm') ?? ''];
      if (!kind) throw new PskcProblem(`has algorithm '${attribute(key, 'Algorithm') ?? ''}': only HOTP and TOTP keys (urn:ietf:params:xml:ns:keyprov:pskc:hotp, :totp) are supported`);
      const format = child(child(key, 'AlgorithmParameters'), 'ResponseFormat');
      const digits = Number(attribute(format, 'Length') ?? 6);
      if (digits !== 6 && digits !== 8) throw new PskcProblem(`has response length ${attribute(format, 'Length')}: 6 or 8 digits are supported`);
      const encoding = attribute(format, 'Encoding') ?? 'DECIMAL';
      if (encoding !== 'DECIMAL') throw new PskcProblem(`has response encoding ${encoding}: only DECIMAL is supported`);
      const suite = (text(child(key, 'AlgorithmParameters'), 'Suite') ?? 'HMAC-SHA1').toLowerCase().replace(/^hmac-?/, '').replace('-', '');
      if (!['sha1', 'sha256', 'sha512'].includes(suite)) throw new PskcProblem(`has suite '${suite}': HMAC-SHA1, SHA256 or SHA512 are supported`);
      const data = child(key, 'Data');
      const secretNode = child(data, 'Secret');
      let secret: Buffer;
      const plain = text(secretNode, 'PlainValue');
      const encrypted = child(secretNode, 'EncryptedValue');
      if (plain !== undefined) {
        if (psk) throw new PskcProblem('has a plain secret in a file whose keys are encrypted');
        secret = Buffer.from(plain, 'base64');
      } else if (encrypted) {
        if (!psk || !macKey) throw new PskcProblem('has an encrypted secret but the file names no EncryptionKey');
        // Encrypt-then-MAC: the MAC is checked before anything is decrypted.
        const raw = Buffer.from(text(child(encrypted, 'CipherData'), 'CipherValue') ?? '', 'base64');
        const mac = Buffer.from(text(secretNode, 'ValueMAC') ?? '', 'base64');
        const expected = createHmac('sha1', macKey).update(raw).digest();
        if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw new PskcProblem('its secret fails the MAC check: a wrong pre-shared key, or an altered file');
        secret = decrypt(encrypted, psk, 'its secret').plain;
      } else {
        throw new PskcProblem('has no secret (Data/Secret/PlainValue or EncryptedValue)');
      }
      if (secret.length < minimumSeedBytes) throw new PskcProblem(`has a ${secret.length * 8}-bit secret; at least ${minimumSeedBytes * 8} bits are needed (RFC 4226)`);
      const counterText = text(child(data, 'Counter'), 'PlainValue');
      const counter = counterText === undefined ? 0 : Number(counterText);
      if (!/^\d*$/.test(counterText ?? '') || !Number.isSafeInteger(counter)) throw new PskcProblem(`has counter '${counterText}': a whole number from 0`);
      const intervalText = text(child(data, 'TimeInterval'), 'PlainValue');
      const period = intervalText === undefined ? 30 : Number(intervalText);
      if (kind === 'totp' && !allowedPeriods.includes(period)) throw new PskcProblem(`has time interval '${intervalText}': ${allowedPeriods.join(' or ')} seconds are supported`);
      tokens.push({
        where, serial, secret: secret.toString('hex'), kind, digits, period: kind === 'totp' ? period : 30, algorithm: suite as ImportedToken['algorithm'], counter,
        manufacturer: text(device, 'Manufacturer') || null, model: text(device, 'Model') || null,
        upn: text(key, 'UserId') || text(device, 'UserId') || null,
      });
    } catch (error) {
      if (!(error instanceof PskcProblem)) throw error;
      problems.push(`${where}: ${error.message}`);
    }
  });
  return { tokens, problems };
}
