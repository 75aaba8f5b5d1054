// Records real WebAuthn responses from Chromium's virtual authenticator for the factor's unit
// tests (recordings.json): a registration, one with direct attestation, and assertions, with
// known challenges, on a local origin. Run again with `npx tsx test/factors/webauthn/record.ts` if the format ever changes.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchBrowser } from '../../helpers/browser.js';
import { authenticationOptions } from '../../../src/factors/webauthn/authenticateKey.js';
import { registrationOptions } from '../../../src/factors/webauthn/registerKey.js';

const accountId = 'account-recorded';
const server = createServer((_, response) => response.end('<!doctype html><title>recording</title>')).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
const rp = { id: 'localhost', origins: [origin] };
const browser = await launchBrowser();
const page = await browser.newPage();
await page.goto(origin);
await page.addScriptTag({ path: 'node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js' });
const cdp = await page.context().newCDPSession(page);
await cdp.send('WebAuthn.enable', { enableUI: false });
const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
  options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
});

const creation = await registrationOptions(rp, 'Twofold', { id: accountId, username: 'recorded' }, [], { conveyance: 'none', allowedAaguids: [] });
const registration = await page.evaluate((optionsJSON) => (window as any).SimpleWebAuthnBrowser.startRegistration({ optionsJSON }), creation as any);
const assert = async (discoverable: boolean) => {
  const request = await authenticationOptions(rp, []);
  if (!discoverable) request.allowCredentials = [{ id: registration.id, type: 'public-key', transports: ['usb'] }];
  const response = await page.evaluate((optionsJSON) => (window as any).SimpleWebAuthnBrowser.startAuthentication({ optionsJSON }), request as any);
  return { challenge: request.challenge, response };
};
// Another key, registered with direct attestation: Chromium's authenticator proves its model.
const direct = await registrationOptions(rp, 'Twofold', { id: 'account-direct', username: 'direct' }, [], { conveyance: 'direct', allowedAaguids: [] });
const directResponse = await page.evaluate((optionsJSON) => (window as any).SimpleWebAuthnBrowser.startRegistration({ optionsJSON }), direct as any);
const verified = await assert(true);
const second = await assert(false);
await cdp.send('WebAuthn.setResponseOverrideBits', { authenticatorId, isBadUV: true });
const unverified = await assert(false);

writeFileSync(new URL('./recordings.json', import.meta.url), `${JSON.stringify({
  origin, rpId: rp.id, accountId,
  registration: { challenge: creation.challenge, response: registration },
  directRegistration: { challenge: direct.challenge, response: directResponse },
  authentications: { verified, second, unverified },
}, null, 2)}\n`);
await browser.close();
server.close();
console.log(`recorded on ${origin}`);
