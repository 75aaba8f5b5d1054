// In Chromium: a person activates the hardware token an administrator imported for them from
// their security-info page (serial and a code), then creates an app password, a legacy mail app
// (openid-client) signs in with it through the password grant, and the person revokes it.
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { createAccount } from '../../src/accounts/createAccount.js';
import { registerClient } from '../../src/clients/registerClient.js';
import { seedBytes } from '../../src/factors/oath/seed.js';
import { totpCode } from '../../src/factors/otpCodes.js';
import { packageRoot } from '../../src/paths.js';
import { expectAccessible, launchBrowser } from '../helpers/browser.js';
import { twofold } from '../helpers/cli.js';
import { appCode } from '../helpers/mfa.js';
import { policyWith, startTestServer, type TestServer } from '../helpers/server.js';

const password = 'correct horse battery staple';
const appSecret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
// Each page is checked by axe-core at two sizes (a second or two each on a loaded machine).
jest.setTimeout(90_000);

let server: TestServer;
let browser: Browser;
let mail: oidc.Configuration;
beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({}, { policy: policyWith('require: mfa\nmethods: [totp, oath, recovery]') }), launchBrowser()]);
  const alice = await createAccount(server.store.accounts, { username: 'alice@example.com', password });
  await server.store.credentials.add({ accountId: alice.id, method: 'totp', label: 'Phone', secret: appSecret });
  await createAccount(server.store.accounts, { username: 'bob@example.com', password });
  expect((await twofold(server.dataDir, ['oath', 'import', join(packageRoot, 'examples', 'oath', 'tokens.csv')])).code).toBe(0);
  const { client } = await registerClient(server.store.clients, { clientId: 'old-mail', name: 'Old Mail', legacy: true });
  mail = await oidc.discovery(new URL(server.issuer), 'old-mail', {}, oidc.ClientSecretBasic(client.secret!), { execute: [oidc.allowInsecureRequests] });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
const mailSignIn = (appPassword: string) => oidc.genericGrantRequest(mail, 'password', { username: 'alice@example.com', password: appPassword, scope: 'openid' });

test('activate a hardware token, then create, use and revoke an app password', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.issuer}/account/security`);
  await expectAccessible(page, 'the sign-in page for security info');
  await page.getByLabel('Username').fill('alice@example.com');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expectAccessible(page, 'the verification page for security info');
  await page.getByLabel('Verification code').fill(await appCode(server, appSecret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(`${server.issuer}/account/security`);
  expect(await heading(page)).toBe('Security info');
  await expectAccessible(page);

  // The token: its serial with the choice of method, then the code it shows.
  await page.getByLabel('Add a method').selectOption({ label: 'Hardware token' });
  await page.getByLabel('Hardware token serial number').fill('totp0001');
  await page.getByRole('button', { name: 'Add method' }).click();
  expect(await heading(page)).toBe('Add a hardware token');
  await expectAccessible(page);
  expect(await page.locator('#token-serial').textContent()).toBe('TOTP0001');
  const tokenCode = await totpCode(seedBytes(Buffer.from('12345678901234567890').toString('hex')), Math.floor(server.clock.now() / 1000));
  await page.getByLabel('Verification code').fill(tokenCode);
  await page.getByRole('button', { name: 'Verify and add' }).click();
  expect(await heading(page)).toBe('Save your recovery codes');
  await page.goto(`${server.issuer}/account/security`);
  expect(await page.locator('#methods').textContent()).toContain('Hardware token (C202, serial TOTP0001)');
  expect(await server.store.tokens.get('oath', 'TOTP0001')).toBeUndefined();

  // An app password: named, shown once, used by the mail app, listed with its last use.
  await page.getByLabel('Name of the app').fill('Thunderbird');
  await page.getByRole('button', { name: 'Create app password' }).click();
  expect(await heading(page)).toBe('Your new app password');
  await expectAccessible(page);
  const shown = (await page.locator('#app-password').textContent())!;
  expect(shown).toMatch(/^[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}$/);
  const tokens = await mailSignIn(shown);
  expect(tokens.claims()).toMatchObject({ amr: ['pwd'] });
  await page.getByRole('link', { name: 'Done' }).click();
  expect(await page.locator('#app-passwords').textContent()).toMatch(/Thunderbird\s+Created \d+ \w+ \d{4}, last used \d+ \w+ \d{4}/);
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Revoke Thunderbird' }).click();
  expect(await page.getByRole('status').textContent()).toBe('The app password was revoked: apps using it can no longer sign in.');
  expect(await page.locator('#app-passwords').count()).toBe(0);
  await expect(mailSignIn(shown)).rejects.toMatchObject({ error: 'invalid_grant' });
});
