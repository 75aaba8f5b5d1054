// In production the development phone does not exist, whatever else is configured.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSigningKeys } from '../../src/config/keys.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  const dataDir = tempDir();
  const signingKeysFile = join(dataDir, 'jwks.json');
  writeFileSync(signingKeysFile, JSON.stringify(generateSigningKeys()));
  server = await startTestServer({
    nodeEnv: 'production', issuer: 'https://idp.example.com', cookieKeys: randomBytes(32).toString('base64url'), signingKeysFile,
    encryptionKey: randomBytes(32).toString('base64'),
  }, { dataDir });
});
afterAll(() => server.stop());

test('no /dev/phone page or JSON view in production, and telephony is off until configured', async () => {
  expect(server.config.phone).toBe('off');
  // The issuer is the public https URL; the server itself listens on a local port.
  const local = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
  for (const path of ['/dev/phone', '/dev/phone/messages', '/dev/phone/calls']) {
    expect((await fetch(`${local}${path}`)).status).toBe(404);
  }
  expect((await fetch(`${local}/.well-known/openid-configuration`)).status).toBe(200);
  const refused = await server.phone.service.sendText({ to: '+12125550142', body: 'x' }, { accountId: 'a1', method: 'sms' });
  expect(refused).toMatchObject({ ok: false, reason: 'unreachable' });
});
