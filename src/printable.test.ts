import { escapeControls, field, quoted, terminalSafeJson } from './printable.js';

test.each([
  ['a newline cannot start a new line', 'alice\n2026-01-01T00:00:00.000Z password ok', 'alice\\n2026-01-01T00:00:00.000Z password ok'],
  ['ESC and CSI are shown, not obeyed', '\u001b[2K\u009b2J', '\\x1b[2K\\x9b2J'],
  ['DEL, carriage return, tab', 'a\u007fb\rc\td', 'a\\x7fb\\rc\\td'],
  ['line separators and bidirectional overrides', 'a\u2028b\u202egnp.exe', 'a\\u2028b\\u202egnp.exe'],
  ['a backslash stays distinguishable from an escape', 'a\\nb', 'a\\\\nb'],
  ['ordinary text, accents and emoji are kept', 'Zoë 🙂 O’Brien', 'Zoë 🙂 O’Brien'],
])('%s', (_name, input, shown) => {
  expect(escapeControls(input)).toBe(shown);
});

test('quoted values cannot end their quotes', () => {
  expect(quoted('x" reason="forged')).toBe('"x\\" reason=\\"forged"');
});

test('fields are bare only when they are a plain token', () => {
  expect(field('ip', '2001:db8::1')).toBe('ip=2001:db8::1');
  expect(field('user', 'alice@example.com')).toBe('user=alice@example.com');
  expect(field('user', 'alice password ok user=admin')).toBe('user="alice password ok user=admin"');
  expect(field('user', '')).toBe('user=""');
  expect(field('rule', 'defaults', { alwaysQuote: true })).toBe('rule="defaults"');
});

test('JSON keeps its meaning and loses its raw controls', () => {
  const json = JSON.stringify({ username: 'a\u009b2J\u2028\u001b' });
  const safe = terminalSafeJson(json);
  expect(safe).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028]/);
  expect(JSON.parse(safe)).toEqual(JSON.parse(json));
});
