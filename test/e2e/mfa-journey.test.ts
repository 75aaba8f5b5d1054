// A person's journey in Chromium: the first sign-in sets up an authenticator app (the key
// copied off the page) and ends on "Save your recovery codes", later sign-ins ask for a code,
// "Use a different verification option", "Don't ask again on this device", forgetting the
// device from security info, and signing in with a recovery code.
import { jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { acrMfa, acrSfa } from '../../src/provider/acr.js';
import { appCode } from '../helpers/mfa.js';
import { expectAccessible, launchBrowser } from '../helpers/browser.js';
import { policies, startTestServer, type TestServer } from '../helpers/server.js';
import { demoPages } from '../helpers/demoPages.js';

// Each page is checked by axe-core at two sizes (a second or two each on a loaded machine).
jest.setTimeout(90_000);

let server: TestServer;
const { claim, heading, signInWithPassword, signOut } = demoPages(() => server.issuer);
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ demo: true }, { policy: policies.mfaWithRecovery }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});




test('enrol on first sign-in, sign in with a code, choose another option, be remembered, then forget the device', async () => {
  const page = await browser.newPage();

  // First sign-in: more information required, set up the app with the key shown on the page.
  await signInWithPassword(page, { checkAccessible: true });
  expect(await heading(page)).toBe('More information required');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Set it up now' }).click();
  expect(await heading(page)).toBe('Set up your authenticator app');
  await expectAccessible(page);
  expect(await page.getByRole('img', { name: /QR code/ }).isVisible()).toBe(true);
  const secret = (await page.locator('#secret').textContent())!.replace(/\s/g, '');
  await page.getByLabel('Name for this app (optional)').fill('Phone');
  await page.getByLabel('Verification code').fill(await appCode(server, secret));
  await page.getByRole('button', { name: 'Verify and continue' }).click();
  expect(await heading(page)).toBe('Save your recovery codes');
  await expectAccessible(page);
  expect(await page.getByRole('status').first().textContent()).toContain('Your authenticator app is set up.');
  const recoveryCodes = await page.locator('#recovery-codes code').allTextContents();
  expect(recoveryCodes).toHaveLength(10);
  expect(await page.getByRole('link', { name: 'Download the codes as a text file' }).getAttribute('download')).toBe('recovery-codes.txt');
  await page.getByRole('button', { name: /I've saved them, continue/ }).click();
  await page.waitForURL(`${server.issuer}/demo`);
  expect(await claim(page, 'amr')).toBe('pwd otp mfa');
  expect(await claim(page, 'acr')).toBe(acrMfa);
  server.clock.advance(30_000);

  // Sign out and in again: the code is asked for at once; try "Use a different verification option".
  await signOut(page);
  await signInWithPassword(page, { checkAccessible: true });
  expect(await heading(page)).toBe('Verify your identity');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Use a different verification option' }).click();
  expect(await heading(page)).toBe('Choose a verification option');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Authenticator app (Phone)' }).click();
  expect(await heading(page)).toBe('Verify your identity');
  await page.getByLabel('Verification code').fill(await appCode(server, secret));
  await page.getByLabel("Don't ask again on this device for 7 days").check();
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(`${server.issuer}/demo`);
  expect(await claim(page, 'amr')).toBe('pwd otp mfa');
  server.clock.advance(30_000);

  // This browser is remembered: the next sign-in needs the password only.
  await signOut(page);
  await signInWithPassword(page, { checkAccessible: true });
  await page.waitForURL(`${server.issuer}/demo`);
  expect(await claim(page, 'amr')).toBe('pwd');
  expect(await claim(page, 'acr')).toBe(acrSfa);

  // Security info lists the device; forget it.
  await page.goto(`${server.issuer}/account/security`);
  expect(await heading(page)).toBe('Security info');
  await expectAccessible(page);
  expect(await page.locator('#methods').textContent()).toContain('Authenticator app (Phone)');
  await page.getByRole('button', { name: 'Forget Chrome on Linux' }).click();
  expect(await page.getByRole('status').textContent()).toBe('That device will be asked for a second factor again.');

  // Asked for the code again; the phone is out of reach, so a recovery code it is.
  await signOut(page);
  await signInWithPassword(page, { checkAccessible: true });
  expect(await heading(page)).toBe('Verify your identity');
  await page.getByRole('link', { name: 'Use a different verification option' }).click();
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  expect(await heading(page)).toBe('Verify your identity');
  await expectAccessible(page);
  await page.getByLabel('Recovery code').fill(recoveryCodes[3]!.toUpperCase());
  await page.getByRole('button', { name: 'Verify' }).click();
  expect(await page.getByRole('status').textContent()).toBe('You used a recovery code. You have 9 left.');
  await expectAccessible(page);
  await page.getByRole('button', { name: /^Continue/ }).click();
  await page.waitForURL(`${server.issuer}/demo`);
  expect(await claim(page, 'amr')).toBe('pwd otp mfa');
  await page.close();
});
