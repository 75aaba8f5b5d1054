// A person signs in at the demo relying party through the real pages in Chromium.
import type { Browser } from 'playwright-core';
import { acrSfa } from '../../src/provider/acr.js';
import { demoCredentials } from '../../src/demo/seed.js';
import { launchBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('the demo sign-in shows the ID token claims with amr and acr', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.issuer}/demo`);
  await page.getByRole('link', { name: 'Sign in with Twofold' }).click();

  await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
  await page.getByLabel('Username').fill(demoCredentials.username);
  await page.getByLabel('Password').fill('a wrong password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  expect(await page.getByRole('alert').textContent()).toBe('Your username or password is incorrect.');
  expect(await page.getByLabel('Username').inputValue()).toBe(demoCredentials.username);

  await page.getByLabel('Password').fill(demoCredentials.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`${server.issuer}/demo`);
  expect(await page.locator('[data-claim="preferred_username"]').textContent()).toBe('demo');
  expect(await page.locator('[data-claim="amr"]').textContent()).toBe('pwd');
  expect(await page.locator('[data-claim="acr"]').textContent()).toBe(acrSfa);

  // Signing out asks nothing (the demo sends its ID token) and says so, instead of offering "Sign in" again.
  await page.getByRole('link', { name: 'Sign out' }).click();
  await page.waitForURL(/\/session\/end\/success/);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You have signed out');
  expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  await page.goto(`${server.issuer}/demo`);
  await expect(page.getByRole('link', { name: 'Sign in with Twofold' }).isVisible()).resolves.toBe(true);
  await page.close();
});
