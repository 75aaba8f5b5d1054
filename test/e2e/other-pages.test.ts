// The pages the journeys do not reach, checked for WCAG 2.2 AA at desktop and phone size: the
// home page, an unknown address, the provider's error page, a refused form, the blocked,
// locked, no-method and sign-out pages.
import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { createAccount } from '../../src/accounts/createAccount.js';
import { expectAccessible, launchBrowser } from '../helpers/browser.js';
import { demoPages } from '../helpers/demoPages.js';
import { policyWith, startTestServer, type TestServer } from '../helpers/server.js';

// Each page is checked by axe-core at two sizes (a second or two each on a loaded machine).
jest.setTimeout(90_000);

let server: TestServer;
let browser: Browser;
const { heading, signInWithPassword } = demoPages(() => server.issuer);
beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ demo: true, lockoutThreshold: 3 }, { policy: policyWith('require: none') }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

let page: Page;
beforeEach(async () => {
  server.setPolicy(policyWith('require: none'));
  page = await browser.newPage();
});
afterEach(async () => {
  await page.close();
});

test('an unknown address gets a page with a language and a title', async () => {
  const missing = await page.goto(`${server.issuer}/no-such-page`);
  expect(missing?.status()).toBe(404);
  await expectAccessible(page, 'the page for an unknown address');
});

test('the home page and the error pages', async () => {
  await page.goto(`${server.issuer}/`);
  expect(await heading(page)).toBe('Twofold is running');
  await expectAccessible(page, 'the home page');

  const refused = await page.goto(`${server.issuer}/auth?client_id=no-such-client&response_type=code&scope=openid`);
  expect(refused?.status()).toBe(400);
  expect(await heading(page)).toBeTruthy();
  await expectAccessible(page, "the provider's error page");

  // A form posted with a stale anti-forgery token is refused with a page, not a 500.
  await page.goto(`${server.issuer}/demo`);
  await page.getByRole('link', { name: 'Sign in with Twofold' }).click();
  await page.locator('input[name=csrf]').first().evaluate((field) => ((field as HTMLInputElement).value = 'stale'));
  await page.getByLabel('Username').fill('demo');
  await page.getByLabel('Password').fill('whatever');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  expect(await heading(page)).toBe('We could not continue');
  await expectAccessible(page, 'the refused-form page');
});

test('blocked by policy, no method to set up, and locked out', async () => {
  server.setPolicy(policyWith('require: none', '[{ name: nobody, when: { users: [demo] }, require: block }]'));
  await signInWithPassword(page);
  expect(await heading(page)).toBe("You can't sign in here");
  await expectAccessible(page, 'the blocked page');

  server.setPolicy(policyWith('require: mfa\nmethods: [totp]\nstrength: phishing-resistant\nenrollment: required'));
  await signInWithPassword(page);
  expect(await heading(page)).toBe('Another sign-in method is needed');
  await expectAccessible(page, 'the no-method page');

  // Three wrong codes lock the account; the page that says so.
  server.setPolicy(policyWith('require: mfa\nmethods: [totp]\nenrollment: required'));
  const alice = await createAccount(server.store.accounts, { username: 'alice', password: 'correct horse battery' });
  await server.store.credentials.add({ accountId: alice.id, method: 'totp', label: 'Phone', secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' });
  await page.goto(`${server.issuer}/account/security`);
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.getByLabel('Verification code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    if (attempt === 0) {
      expect(await page.getByLabel('Verification code').getAttribute('aria-invalid')).toBe('true');
      await expectAccessible(page, 'the verification page with an error');
    }
  }
  expect(await page.getByRole('alert').textContent()).toMatch(/^Too many failed attempts/);
  await expectAccessible(page, 'the verification page once locked');
});

test('signing out where no application waits', async () => {
  await signInWithPassword(page);
  await page.waitForURL(`${server.issuer}/demo`);
  await page.goto(`${server.issuer}/session/end`);
  expect(await heading(page)).toBe('Sign out of Twofold?');
  await expectAccessible(page, 'the sign-out confirmation');
  await page.getByRole('button', { name: 'Sign out' }).click();
  expect(await heading(page)).toBe('You have signed out');
  await expectAccessible(page, 'the signed-out page');
});
