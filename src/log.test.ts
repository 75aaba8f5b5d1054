// The logger's own guarantees, whatever a caller hands it: secret-named fields redacted at any
// depth, full phone numbers masked in messages and values, one line per event in both formats.
import { createLogger } from './log.js';

const capture = (format: 'json' | 'text') => {
  const lines: string[] = [];
  return { lines, log: createLogger('debug', { format, write: (line) => lines.push(line) }) };
};

test.each(['json', 'text'] as const)('%s: fields named for secrets are redacted, at any depth', (format) => {
  const { lines, log } = capture(format);
  log.debug('form received', { username: 'alice', password: 'hunter2hunter2', form: { code: '123456', newPassword: 'x'.repeat(12) }, call: { to: '+12125550147', masked: '+1 ••• ••• ••47' } });
  expect(lines).toHaveLength(1);
  const [line] = lines;
  for (const secret of ['hunter2hunter2', '123456', 'x'.repeat(12), '+12125550147']) expect(line).not.toContain(secret);
  expect(line).toContain('alice');
  expect(line).toContain('+1 ••• ••• ••47');
  expect(line).toContain('[redacted]');
});

test.each(['json', 'text'] as const)('%s: a full phone number in a message or a value keeps only its last two digits; dates, addresses and ids stay whole', (format) => {
  const { lines, log } = capture(format);
  log.warn('twilio refused the text to +1 212 555 0147: invalid', { detail: 'number (212) 555-0147 unreachable', ip: '192.168.100.200', at: '2026-11-22T23:06:25.533Z', id: 'a1b2c3d4-1234-5678-9abc-def012345678' });
  const [line] = lines;
  expect(line).not.toMatch(/555.?0147/);
  expect(line).toContain('[number ending 47]');
  for (const kept of ['192.168.100.200', '2026-11-22T23:06:25.533Z', 'a1b2c3d4-1234-5678-9abc-def012345678']) expect(line).toContain(kept);
});

test('json: one object a line, control characters escaped, the newline only at the end', () => {
  const { lines, log } = capture('json');
  log.info('user typed \u001b[2K\nnext', { agent: 'x\u2028y' });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^\{[^\n\u001b\u2028]*\}\n$/);
  expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'user typed \u001b[2K\nnext', agent: 'x\u2028y' });
});

test('levels below the threshold write nothing', () => {
  const lines: string[] = [];
  const log = createLogger('warn', (line) => lines.push(line));
  log.info('quiet');
  log.debug('quieter');
  log.error('loud');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^\S+ ERROR loud\n$/);
});
