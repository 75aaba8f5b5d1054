import { createTickets } from './signedTicket.js';

const tickets = createTickets('a-cookie-key-long-enough-for-tests');

test('a ticket reads back only for the purpose and scope it was issued for', () => {
  const ticket = tickets.issue('passkey', 'uid-1', { challenge: 'abc', expiresAt: 123 });
  expect(tickets.read('passkey', 'uid-1', ticket)).toEqual({ challenge: 'abc', expiresAt: 123 });
  expect(tickets.read('passkey', 'uid-2', ticket)).toBeUndefined();
  expect(tickets.read('other', 'uid-1', ticket)).toBeUndefined();
  expect(createTickets('another-key-entirely-0123456789').read('passkey', 'uid-1', ticket)).toBeUndefined();
});

test('a changed, truncated or malformed ticket reads as nothing', () => {
  const ticket = tickets.issue('passkey', 'uid-1', { challenge: 'abc' });
  const [payload, signature] = ticket.split('.');
  const changed = Buffer.from(JSON.stringify({ challenge: 'xyz' })).toString('base64url');
  for (const bad of [`${changed}.${signature}`, payload, `${payload}.`, `${payload}.${signature}.x`, '', 'not a ticket', undefined, `${payload}.${signature!.slice(1)}`]) {
    expect(tickets.read('passkey', 'uid-1', bad)).toBeUndefined();
  }
  // Signed, but not an object.
  const signedArray = createTickets('k').issue('p', 's', [] as unknown as Record<string, unknown>);
  expect(createTickets('k').read('p', 's', signedArray)).toBeUndefined();
});
