// The security-info page in Chromium, at desktop and phone size (issue 14, points 3 and 4):
// a remembered browser is "This device" with its address; "Remove" asks on a page of its own and
// the notice names the method, once; removing a method and forgetting every device look alike;
// a device the methods change voided says it is no longer remembered; changing the password
// signs out elsewhere and forgets the devices.
import type { Browser, Page } from 'playwright-core';
import { generateSecret } from 'otplib';
import { createAccount } from '../../src/accounts/createAccount.js';
import { appCode } from '../helpers/mfa.js';
import { expectAccessible, launchBrowser } from '../helpers/browser.js';
import { policies, startTestServer, type TestServer } from '../helpers/server.js';

const password = 'correct horse battery staple';
let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({}, { policy: policies.mfaForAll }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
const status = (page: Page) => page.getByRole('status').textContent();

/** Nothing sticks out sideways: the page reads without scrolling left and right. */
async function expectNoSidewaysScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
}

/** What makes a button look more or less alarming. */
const looks = (page: Page, name: string) => page.getByRole('button', { name, exact: true }).evaluate((button) => {
  const style = getComputedStyle(button);
  return { background: style.backgroundColor, color: style.color, border: style.borderColor, fontSize: style.fontSize, fontWeight: style.fontWeight, padding: style.padding };
});

test.each([
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
])('security info at %s size: this device, removing with a confirmation, one-shot notices, changing the password', async (size, viewport) => {
  const username = `e2e-${size}`;
  const { id } = await createAccount(server.store.accounts, { username, password });
  const secret = generateSecret();
  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Phone', secret });
  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Tablet', secret: generateSecret() });
  server.clock.advance(30_000);
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();

  // Sign in to security info, and let this browser skip the second factor.
  await page.goto(`${server.issuer}/account/security`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  expect(await heading(page)).toBe('Verify your identity');
  await page.getByLabel('Verification code').fill(await appCode(server, secret));
  await page.getByLabel(/Don't ask again on this device/).check();
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(`${server.issuer}/account/security`);
  expect(await heading(page)).toBe('Security info');
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);

  // This browser is "This device", with its address and whether it still skips the second factor.
  const device = page.locator('#devices li');
  expect(await device.count()).toBe(1);
  expect(await device.textContent()).toMatch(/This device[\s\S]*Address (::ffff:)?127\.0\.0\.1\.[\s\S]*skips the second factor until/);
  // Removing a method is no smaller, and forgetting every device no more alarming, than the other.
  expect(await looks(page, 'Remove Authenticator app (Tablet)')).toEqual(await looks(page, 'Forget all devices'));

  // Remove asks first, on a page that names the method.
  await page.getByRole('button', { name: 'Remove Authenticator app (Tablet)' }).click();
  expect(await heading(page)).toBe('Remove Authenticator app (Tablet)?');
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  expect((await server.store.credentials.list(id)).map((credential) => credential.label)).toContain('Tablet');
  await page.getByRole('button', { name: 'Remove Authenticator app (Tablet)' }).click();
  await page.waitForURL(`${server.issuer}/account/security`);
  expect(await status(page)).toBe('Authenticator app (Tablet) was removed. It no longer signs you in.');
  expect(await page.locator('#methods').textContent()).not.toContain('Tablet');
  // The methods changed, so the remembered browser no longer skips anything, and says so.
  expect(await device.textContent()).toMatch(/No longer remembered[\s\S]*your sign-in methods changed after it was remembered/);
  // The notice was for that moment: a reload does not bring it back.
  await page.reload();
  expect(await page.getByRole('status').count()).toBe(0);
  expect(page.url()).toBe(`${server.issuer}/account/security`);

  // Change the password: signed out elsewhere, devices forgotten, said once.
  await page.getByRole('button', { name: 'Change password' }).click();
  expect(await heading(page)).toBe('Change your password');
  await expectAccessible(page);
  await expectNoSidewaysScroll(page);
  await page.getByLabel('Current password').fill(password);
  await page.getByLabel('New password', { exact: true }).fill('password1');
  await page.getByLabel('New password again').fill('password1');
  await page.getByRole('button', { name: 'Change password' }).click();
  expect(await page.getByRole('alert').textContent()).toContain('This password is on the list of the most commonly used passwords');
  await page.getByLabel('Current password').fill(password);
  await page.getByLabel('New password', { exact: true }).fill('violet kettle under seven bridges');
  await page.getByLabel('New password again').fill('violet kettle under seven bridges');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.waitForURL(`${server.issuer}/account/security`);
  expect(await status(page)).toBe('Your password has changed. You were signed out everywhere else, and remembered devices will be asked for a second factor again.');
  expect(await page.locator('main').textContent()).toContain('No device skips the second factor.');
  await expectAccessible(page);
  await context.close();
});
