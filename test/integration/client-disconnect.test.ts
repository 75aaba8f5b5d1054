// A client that disconnects in the middle of a form POST is not a server error: it is logged
// quietly (debug), and error logs stay for real faults.
import { jest } from '@jest/globals';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
// Koa prints a request's error to the console when nobody listens for it; oidc-provider's app
// did, for a hang-up on /token, some time after the request.
const printed = jest.spyOn(console, 'error');
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** Sends the headers and half of a form body, then hangs up. */
async function hangUpMidPost(path: string) {
  const { port } = server.server.address() as AddressInfo;
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(`POST ${path} HTTP/1.1\r\nHost: localhost:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\nusername=alice&password=`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.destroy();
  // Let the server notice.
  await new Promise((resolve) => setTimeout(resolve, 200));
}

test.each([
  ["one of Twofold's forms", '/interaction/some-uid/login'],
  ["the security-info page's forms", '/account/signout'],
  ["oidc-provider's token endpoint", '/token'],
])('hanging up during a POST to %s logs no error', async (_name, path) => {
  const before = server.logs.length;
  await hangUpMidPost(path);
  const logged = server.logs.slice(before);
  expect(logged.filter((line) => / (ERROR|WARN) /.test(line))).toEqual([]);
});

test("Twofold's pages note the disconnect at debug level, with the path", async () => {
  const before = server.logs.length;
  await hangUpMidPost('/interaction/some-uid/login');
  expect(server.logs.slice(before).some((line) => / DEBUG client disconnected /.test(line) && line.includes('/interaction/some-uid/login'))).toBe(true);
});

test('nothing reached the console, however late', async () => {
  await hangUpMidPost('/token');
  await server.stop({ keepData: true });
  expect(printed.mock.calls).toEqual([]);
});
