// The relying party ID and origins at start: malformed values and a relying party that does not
// fit the issuer keep Twofold from starting, naming each problem; a fitting one is used.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ConfigError, resolveConfig } from '../../src/config/load.js';
import { createRelyingParty } from '../helpers/rp.js';
import { startTestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

test('malformed WebAuthn options are reported with the variable and the rule', () => {
  const { problems } = resolveConfig({ env: { TWOFOLD_WEBAUTHN_RP_ID: 'https://example.com', TWOFOLD_WEBAUTHN_ATTESTATION: 'maybe', TWOFOLD_WEBAUTHN_ALLOWED_AAGUIDS: 'not-a-uuid' } });
  expect(problems).toEqual([
    "TWOFOLD_WEBAUTHN_RP_ID (option 'webauthnRpId') must be a domain name such as example.com but is 'https://example.com'",
    "TWOFOLD_WEBAUTHN_ATTESTATION (option 'webauthnAttestation') must be 'none' or 'direct' but is 'maybe'",
    "TWOFOLD_WEBAUTHN_ALLOWED_AAGUIDS (option 'webauthnAllowedAaguids') must be a comma-separated list of AAGUIDs such as cb69481e-8ff7-4039-93ec-0a2729a154a8 but is 'not-a-uuid'",
  ]);
});

test('a relying party ID that does not cover the issuer stops the server at start, saying why', async () => {
  const start = startTestServer({ issuer: 'http://localhost:1', webauthnRpId: 'example.com', webauthnOrigins: 'https://login.example.com' });
  await expect(start).rejects.toBeInstanceOf(ConfigError);
  await expect(start).rejects.toMatchObject({
    problems: ["webauthn: relying party ID 'example.com' does not cover the issuer's host 'localhost': the sign-in pages could not use passkeys"],
  });
});

test('by default the issuer sets both: the sign-in page offers passkeys for its host', async () => {
  const server = await startTestServer();
  try {
    const rp = await createRelyingParty(server);
    const { url } = await rp.begin();
    const page = await new UserAgent(server.issuer).follow(url, rp.redirectUri);
    const options = /data-options="([^"]+)"/.exec(page.html)?.[1]?.replace(/&quot;/g, '"');
    expect(JSON.parse(options!)).toMatchObject({ rpId: new URL(server.issuer).hostname, allowCredentials: [], userVerification: 'preferred' });
    expect(page.html).toContain('autocomplete="username webauthn"');
  } finally {
    await server.stop();
  }
});

/** A port free right now, so the issuer can name the address the server will listen on. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test('an issuer at an IP address offers no passkeys, and the log says why', async () => {
  const port = await freePort();
  const server = await startTestServer({ issuer: `http://127.0.0.1:${port}`, port });
  try {
    expect(server.logs.some((line) => line.includes('WARN') && line.includes("webauthn: security keys and passkeys are not offered: the issuer's host '127.0.0.1' is not a domain name"))).toBe(true);
    const rp = await createRelyingParty(server);
    const { url } = await rp.begin();
    const page = await new UserAgent(server.issuer).follow(url, rp.redirectUri);
    expect(page.html).toContain('<h1>Sign in</h1>');
    expect(page.html).not.toContain('Sign in with a passkey');
  } finally {
    await server.stop();
  }
});
