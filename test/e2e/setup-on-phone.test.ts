// Setting up on the phone you sign in on, in Chromium at phone size (390x844) and desktop size:
// the setup page opens at its top (no autofocus scrolling the QR code away), offers "Open in
// authenticator app" (an otpauth:// link) and "Copy key" (which copies under the strict CSP,
// and without JavaScript leaves the key as plain text), says whose sign-in it is with
// "Not you?", and ends with "You're all set" and "Add another method" (a phone, as the seeds
// recommend after an app) before continuing to the application.
import type { Browser, Page } from 'playwright-core';
import { createAccount } from '../../src/accounts/createAccount.js';
import { appCode } from '../helpers/mfa.js';
import { expectAccessible, launchBrowser } from '../helpers/browser.js';
import { policyWith, startTestServer, type TestServer } from '../helpers/server.js';
import { demoPages } from '../helpers/demoPages.js';

let server: TestServer;
const { claim, heading } = demoPages(() => server.issuer);
let browser: Browser;
const password = 'correct horse battery staple';
let people = 0;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startTestServer({ demo: true, displayName: 'Acme' }, { policy: policyWith('require: mfa\nmethods: [totp, sms, recovery]\nremember: 0\nenrollment: required') }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const phoneSize = { width: 390, height: 844 };
const desktopSize = { width: 1280, height: 800 };

async function newPerson() {
  const username = `setup${++people}`;
  await createAccount(server.store.accounts, { username, password });
  return username;
}

const signIn = (page: Page, username: string) => demoPages(() => server.issuer).signInWithPassword(page, { username, password });

/** Whether an element is wholly inside the viewport as the page is now scrolled. */
const inViewport = (page: Page, selector: string) => page.locator(selector).evaluate((element) => {
  const box = element.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
});

for (const [size, viewport] of [['phone', phoneSize], ['desktop', desktopSize]] as const) {
  test(`at ${size} size the setup page opens at its top with "Open in authenticator app" and a working "Copy key"`, async () => {
    const username = await newPerson();
    const context = await browser.newContext({ viewport, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await signIn(page, username);
    expect(await heading(page)).toBe('More information required');
    expect((await page.locator('.signing-in-as').textContent())!.replace(/\s+/g, ' ').trim()).toBe(`Signing in as ${username} — Not you?`);
    await page.getByRole('radio', { name: /^Authenticator app:/ }).check();
    await page.getByRole('button', { name: 'Set it up now' }).click();
    expect(await heading(page)).toBe('Set up your authenticator app');
    await expectAccessible(page);

    // Nothing took the focus and scrolled: the steps and the QR code are where the page begins.
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect(await inViewport(page, 'h1')).toBe(true);
    if (size === 'phone') expect(await inViewport(page, '#open-app')).toBe(true);
    else expect(await inViewport(page, 'img.qr')).toBe(true);

    const secret = (await page.locator('#secret').textContent())!.replace(/\s/g, '');
    const open = page.getByRole('link', { name: 'Open in authenticator app' });
    expect(await open.isVisible()).toBe(true);
    const uri = new URL((await open.getAttribute('href'))!);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Acme');

    await page.getByRole('button', { name: 'Copy key' }).click();
    // The clipboard write is asynchronous: the status line speaks once it is done.
    await page.waitForFunction(() => document.getElementById('copy-status')?.textContent !== '');
    await expect(page.locator('#copy-status').textContent()).resolves.toBe('Key copied. Paste it into your authenticator app.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

    // The key copied is the one that works.
    await page.getByLabel('Verification code').fill(await appCode(server, secret));
    await page.getByRole('button', { name: 'Verify and continue' }).click();
    expect(await heading(page)).toBe('Save your recovery codes');
    await page.getByRole('button', { name: /I've saved them, continue/ }).click();
    await page.waitForURL(`${server.issuer}/demo`);
    expect(await claim(page, 'preferred_username')).toBe(username);
    server.clock.advance(30_000);
    await context.close();
  });
}

test('without JavaScript the key is plain selectable text and no "Copy key" button shows', async () => {
  const username = await newPerson();
  const context = await browser.newContext({ viewport: phoneSize, javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, username);
  await page.getByRole('radio', { name: /^Authenticator app:/ }).check();
  await page.getByRole('button', { name: 'Set it up now' }).click();
  expect(await heading(page)).toBe('Set up your authenticator app');
  expect(await page.getByRole('button', { name: 'Copy key' }).count()).toBe(0);
  expect(await page.locator('#secret').isVisible()).toBe(true);
  expect(await page.locator('#secret').evaluate((element) => getComputedStyle(element).userSelect)).not.toBe('none');
  expect(await page.getByRole('link', { name: 'Open in authenticator app' }).isVisible()).toBe(true);
  await context.close();
});

for (const [size, viewport] of [['phone', phoneSize], ['desktop', desktopSize]] as const) {
  test(`at ${size} size "Not you?" on the setup page starts over at the password page, and the other person signs in`, async () => {
    const first = await newPerson();
    const second = await newPerson();
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await signIn(page, first);
    await page.getByRole('radio', { name: /^Authenticator app:/ }).check();
    await page.getByRole('button', { name: 'Set it up now' }).click();
    expect(await page.locator('.signing-in-as strong').textContent()).toBe(first);
    await page.getByRole('button', { name: 'Not you?' }).click();
    expect(await heading(page)).toBe('Sign in');
    await page.getByLabel('Username').fill(second);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect(await heading(page)).toBe('More information required');
    expect(await page.locator('.signing-in-as strong').textContent()).toBe(second);
    await context.close();
  });
}

for (const [size, viewport] of [['phone', phoneSize], ['desktop', desktopSize]] as const) {
  test(`at ${size} size setup ends with "You're all set" and "Add another method": a phone after the app, then on to the application`, async () => {
    const username = await newPerson();
    const number = size === 'phone' ? '2125550199' : '2125550198';
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const phone = await context.newPage();
    await signIn(page, username);
    await page.getByRole('radio', { name: /^Authenticator app:/ }).check();
    await page.getByRole('button', { name: 'Set it up now' }).click();
    const secret = (await page.locator('#secret').textContent())!.replace(/\s/g, '');
    await page.getByLabel('Verification code').fill(await appCode(server, secret));
    await page.getByRole('button', { name: 'Verify and continue' }).click();

    expect(await heading(page)).toBe('Save your recovery codes');
    expect(await page.getByRole('status').first().textContent()).toBe('Your authenticator app is set up. You\'ll use it when you sign in.');
    expect(await page.locator('#backup-suggestion').textContent()).toContain('such as a phone');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add another method' }).click();

    expect(await heading(page)).toBe('Add another method');
    await expectAccessible(page);
    expect(await page.getByRole('button', { name: /Skip for now/ }).count()).toBe(0);
    // A phone comes first and is chosen already, as the seeds recommend after an app.
    expect(await page.getByRole('radio').first().getAttribute('value')).toBe('sms');
    expect(await page.getByRole('radio', { name: /^Phone:/ }).isChecked()).toBe(true);
    // Leaving now continues the sign-in; it does not cancel it.
    expect(await page.getByRole('link', { name: 'Not now, continue to Twofold demo app' }).getAttribute('href')).toMatch(/\/mfa\/done$/);
    expect(await page.getByRole('button', { name: /Cancel and go back/ }).count()).toBe(0);
    await page.getByLabel('Mobile phone number').fill(number);
    await page.getByRole('button', { name: 'Set it up now' }).click();
    expect(await heading(page)).toBe('Set up your phone');
    await phone.goto(`${server.issuer}/dev/phone`);
    const text = await phone.getByRole('region', { name: `+1${number}` }).getByText(/is your Acme sign-in code/).first().textContent();
    await page.getByLabel('Verification code').fill(/(\d{6}) is your/.exec(text ?? '')![1]!);
    await page.getByRole('button', { name: 'Verify and continue' }).click();

    expect(await heading(page)).toBe("You're all set");
    expect(await page.getByRole('status').first().textContent()).toBe('Your phone is set up. You\'ll use it when you sign in.');
    expect(await page.locator('#recovery-codes').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add another method' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Continue to Twofold demo app' }).click();
    await page.waitForURL(`${server.issuer}/demo`);
    expect(await claim(page, 'preferred_username')).toBe(username);
    const methods = (await server.store.credentials.list((await server.store.accounts.findByUsername(username))!.id)).map((credential) => credential.method).sort();
    expect(methods).toEqual(['recovery', 'sms', 'totp']);
    await context.close();
  });
}
