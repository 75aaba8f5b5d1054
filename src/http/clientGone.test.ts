import { ClientDisconnected, isClientFault } from './clientGone.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

test.each([
  ['a hang-up while the body was read', new ClientDisconnected(), true],
  ["Node's 'aborted'", withCode('aborted', 'ECONNRESET'), true],
  ['a body cut short at the end of the stream', withCode('Parse Error', 'HPE_INVALID_EOF_STATE'), true],
  ['a closed pipe', withCode('write EPIPE', 'EPIPE'), true],
  ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')"), false],
  ['a store failure', withCode('database is locked', 'SQLITE_BUSY'), false],
  ['something thrown that is not an error', 'nonsense', false],
])('%s: %s', (_name, error, clientFault) => {
  expect(isClientFault(error)).toBe(clientFault);
});
