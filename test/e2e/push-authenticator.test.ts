// The web authenticator in Chromium: one page signs in, a second page of the same browser is
// the authenticator. It activates from the setup page's link, receives the sign-in request over
// its event stream, shows the application's name, approves with the number, and the sign-in
// page continues by itself.
import type { Browser, BrowserContext } from 'playwright-core';
import { demoCredentials } from '../../src/demo/seed.js';
import { acrMfa } from '../../src/provider/acr.js';
import { expectAccessible, launchBrowser } from '../helpers/browser.js';
import { policyWith, startTestServer, type TestServer } from '../helpers/server.js';
import { demoPages } from '../helpers/demoPages.js';

let server: TestServer;
const { claim, heading, signInWithPassword, signOut } = demoPages(() => server.issuer);
let browser: Browser;
let context: BrowserContext;
beforeAll(async () => {
  [server, browser] = await Promise.all([
    startTestServer({ demo: true }, { policy: policyWith('require: mfa\nmethods: [push, recovery]\nenrollment: required') }),
    launchBrowser(),
  ]);
  context = await browser.newContext();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});



test('set up the web authenticator from enrollment, then sign in by approving with the number', async () => {
  const signIn = await context.newPage();
  const app = await context.newPage();

  await signInWithPassword(signIn);
  expect(await heading(signIn)).toBe('More information required');
  await signIn.getByRole('button', { name: 'Set it up now' }).click();
  expect(await heading(signIn)).toBe('Set up your authenticator app with notifications');
  await expectAccessible(signIn);
  expect(await signIn.getByRole('img', { name: /QR code/ }).isVisible()).toBe(true);
  const link = (await signIn.locator('#activation-link').getAttribute('href'))!;
  expect(link).toMatch(new RegExp(`^${server.issuer}/authenticator#activate=[A-Z0-9]{5}-[A-Z0-9]{5}$`));

  // The second page opens the QR code's link: the authenticator, ready to add the account.
  await app.goto(link);
  expect(await heading(app)).toBe('Authenticator');
  await expectAccessible(app);
  await app.getByLabel('Name for this device').fill('Chromium');
  await app.getByRole('button', { name: 'Add account' }).click();
  const added = app.locator('#add-result');
  await added.getByText(/Enter this confirmation code on the setup page/).waitFor();
  const confirmation = await added.getAttribute('data-confirmation');
  expect(confirmation).toMatch(/^\d{6}$/);
  expect(await app.locator('#account-list').textContent()).toContain(`${demoCredentials.username} · `);
  // Its rolling code is a 6-digit code.
  await app.locator('.account-code').filter({ hasText: /^\d{3} \d{3}$/ }).waitFor();
  // The key stays in the browser, not extractable.
  expect(await app.evaluate(async () => {
    const db: IDBDatabase = await new Promise((resolve) => { const r = indexedDB.open('twofold-authenticator', 1); r.onsuccess = () => resolve(r.result); });
    const accounts: { privateKey: CryptoKey }[] = await new Promise((resolve) => { const r = db.transaction('accounts').objectStore('accounts').getAll(); r.onsuccess = () => resolve(r.result); });
    return accounts.map((account) => [account.privateKey.type, account.privateKey.extractable, (account.privateKey.algorithm as EcKeyAlgorithm).namedCurve]);
  })).toEqual([['private', false, 'P-256']]);

  // The setup page noticed by itself; the confirmation saves the method.
  await signIn.getByText('Account added in the app. Enter the confirmation code it shows.').waitFor();
  await signIn.getByLabel('Confirmation code').fill(confirmation!);
  await signIn.getByRole('button', { name: 'Verify and continue' }).click();
  expect(await heading(signIn)).toBe('Save your recovery codes');
  await signIn.getByRole('button', { name: /I've saved them, continue/ }).click();
  await signIn.waitForURL(`${server.issuer}/demo`);
  expect(await claim(signIn, 'amr')).toBe('pwd swk mfa');

  // Next sign-in: the page shows a number; the open app gets the request over its stream.
  await signOut(signIn);
  await signInWithPassword(signIn);
  expect(await heading(signIn)).toBe('Verify your identity');
  await expectAccessible(signIn);
  expect(await signIn.getByText('Open your Authenticator app and enter the number shown to sign in').isVisible()).toBe(true);
  const number = (await signIn.locator('#push-number').textContent())!.trim();
  expect(number).toMatch(/^\d{2}$/);

  const request = app.locator('.request');
  await request.waitFor({ timeout: 10_000 });
  expect(await request.locator('.request-app').textContent()).toBe('Twofold demo app');
  expect(await request.locator('.request-ip').textContent()).toContain('127.0.0.1');
  await expectAccessible(app);
  await app.getByLabel('Number shown on the sign-in page').fill(number);
  await app.getByRole('button', { name: 'Approve' }).click();
  await request.getByText('Approved.').waitFor();

  // The sign-in page learns the answer without a click and continues.
  await signIn.waitForURL(`${server.issuer}/demo`, { timeout: 15_000 });
  expect(await claim(signIn, 'amr')).toBe('pwd swk mfa');
  expect(await claim(signIn, 'acr')).toBe(acrMfa);
});
