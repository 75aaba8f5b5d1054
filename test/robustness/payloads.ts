// Hostile values for every field the fuzzer reaches: injection shapes, wrong types, unicode edge
// cases and sizes. Form bodies are written by hand (`encoded`), because a lone surrogate cannot
// pass through encodeURIComponent and arrays need repeated or bracketed keys.
import { full } from './mode.js';

export interface Payload {
  name: string;
  /** The value as a string (what a JSON body or a CLI argument carries). */
  text: string;
  /** How the field is written in a form body or query: `key` is the encoded field name. */
  encode?: (key: string) => string;
  /** A JSON value that is not a string (arrays, objects, numbers). */
  json?: unknown;
}

const enc = (text: string) => encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
const megabyte = 'A'.repeat(1024 * 1024);

export const payloads: Payload[] = [
  { name: 'empty', text: '' },
  { name: 'spaces', text: '   ' },
  { name: 'sql quote', text: "' OR '1'='1' --" },
  { name: 'sql drop', text: '1; DROP TABLE accounts; --' },
  { name: 'mongo operator in key', text: '', encode: (key) => `${key}[$ne]=` },
  { name: 'mongo gt in key', text: '', encode: (key) => `${key}[$gt]=`, json: { $gt: '' } },
  { name: 'mongo where', text: '{"$where":"sleep(1000)"}', json: { $where: 'sleep(1000)' } },
  { name: 'template nunjucks', text: '{{7*7}} zq' },
  { name: 'template block', text: "{% for x in range(3) %}zq {% endfor %}{{ ''.constructor.constructor('return process')() }}" },
  { name: 'template other', text: '${7*7} zq<%= 7*7 %>#{7*7}' },
  { name: 'header injection', text: 'x\r\nSet-Cookie: zqevil=1\r\nLocation: http://zqevil.example' },
  { name: 'html', text: '"><script>alert("zq")</script><img src=x onerror=alert(1)>' },
  { name: 'lone surrogate', text: '\uD800zq', encode: (key) => `${key}=%ED%A0%80zq` },
  { name: 'invalid utf-8', text: '\uDC00', encode: (key) => `${key}=%FF%FE%C0%AF` },
  { name: 'nul', text: 'a\u0000b' },
  { name: 'rtl override', text: '\u202Egnp.exe\u200B\uFEFF' },
  { name: 'combining and emoji', text: 'e\u0301\u0301\u0301👩‍👩‍👧‍👦'.repeat(20) },
  { name: 'control characters', text: '\u0007\u001b[31m\u0008\u007f' },
  { name: 'bad percent', text: '%', encode: (key) => `${key}=%E0%A4%A&%zz=%` },
  { name: 'path traversal', text: '../../../../etc/passwd' },
  { name: 'proto key', text: 'polluted', encode: () => `__proto__[zq]=1&constructor[prototype][zq]=1`, json: { __proto__: { zq: 1 }, constructor: { prototype: { zq: 1 } } } },
  { name: 'number-ish', text: '-1e309' },
  { name: 'huge integer', text: '9'.repeat(400) },
  { name: 'array (repeated key)', text: 'a', encode: (key) => `${key}=a&${key}=b`, json: ['a', 'b'] },
  { name: 'array (brackets)', text: 'a', encode: (key) => `${key}[]=a&${key}[]=b`, json: [['a'], { 0: 'a' }] },
  { name: 'object (brackets)', text: 'a', encode: (key) => `${key}[a][b]=c`, json: { a: { b: 'c' } } },
  { name: 'wrong type: number', text: '0', json: 123456 },
  { name: 'wrong type: boolean', text: 'true', json: true },
  { name: 'wrong type: null', text: 'null', json: null },
  { name: '64 KB string', text: 'x'.repeat(64 * 1024) },
  { name: '1 MB string', text: megabyte },
];

/**
 * What a template that ran a value leaves (`49 zq` from `{{7*7}} zq`): never in a page, nor in
 * what the store keeps. Each holds a space so that no random token on a page (a nonce, a CSRF
 * token, an interaction id) can spell it by chance, as one once spelled `49zq`.
 */
export const templateMarkers = [/49 zq/, /zq zq zq/];
/** What a page must never show: a template's work, or the HTML payload unescaped. */
export const evaluatedMarkers = [...templateMarkers, /<script>alert\("zq"\)/];

/** The field written into a form body or query string. */
export const encodeField = (payload: Payload, key: string) => (payload.encode ? payload.encode(enc(key)) : `${enc(key)}=${enc(payload.text)}`);

/** The short form takes a rotating few payloads per field; the full form takes all of them. */
export function payloadsFor(index: number, count = 6): Payload[] {
  if (full) return payloads;
  return Array.from({ length: count }, (_, i) => payloads[(index * count + i) % payloads.length]!);
}
