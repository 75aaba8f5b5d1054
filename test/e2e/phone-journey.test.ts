// A person's journey with phones in Chromium: the first sign-in sets up a mobile typed with
// spaces and proves it by a text read on the development phone; security info adds an office
// phone answered by call; the next sign-in calls it and the page continues by itself once # is
// pressed on /dev/phone in a second tab; the one after picks the text instead through "Use a
// different verification option".
import type { Browser, Page } from 'playwright-core';
import { expectAccessible, launchBrowser } from '../helpers/browser.js';
import { policyWith, startTestServer, type TestServer } from '../helpers/server.js';
import { demoPages } from '../helpers/demoPages.js';

let server: TestServer;
const { claim, heading, signInWithPassword, signOut } = demoPages(() => server.issuer);
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([
    startTestServer({ demo: true, displayName: 'Acme' }, { policy: policyWith('require: mfa\nmethods: [sms, voice, recovery]\nremember: 0\nenrollment: required') }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const mobile = '+12125550142';
const office = '+12125550177';



/** The development phone in its own tab: the newest code texted to a number. */
async function readCode(phone: Page, number: string): Promise<string> {
  await phone.goto(`${server.issuer}/dev/phone`);
  const text = await phone.getByRole('region', { name: number }).getByText(/is your Acme sign-in code/).first().textContent();
  return /(\d{6}) is your/.exec(text ?? '')![1]!;
}

/** The development phone in its own tab: press # on the ringing call to a number. */
async function answerCall(phone: Page, number: string) {
  await phone.goto(`${server.issuer}/dev/phone`);
  await phone.getByRole('region', { name: number }).getByRole('button', { name: 'Press #' }).first().click();
  await phone.waitForURL(`${server.issuer}/dev/phone`);
}

test('set up a mobile by text, add an office phone by call, sign in by call and then by text', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const phone = await context.newPage();

  // First sign-in: choose "Phone", type the number with spaces, prove it with the texted code.
  await signInWithPassword(page);
  expect(await heading(page)).toBe('More information required');
  await expectAccessible(page);
  await page.getByRole('radio', { name: /^Phone:/ }).check();
  await page.getByLabel('Mobile phone number').fill('212 555 0142');
  await page.getByRole('button', { name: 'Set it up now' }).click();
  expect(await heading(page)).toBe('Set up your phone');
  await expectAccessible(page);
  expect(await page.locator('#sent-to').textContent()).toContain('+1 ••• ••• ••42');
  await page.getByLabel('Verification code').fill(await readCode(phone, mobile));
  await page.getByRole('button', { name: 'Verify and continue' }).click();
  expect(await heading(page)).toBe('Save your recovery codes');
  await page.getByRole('button', { name: /I've saved them, continue/ }).click();
  await page.waitForURL(`${server.issuer}/demo`);
  expect(await claim(page, 'amr')).toBe('pwd sms mfa');

  // Security info: the mobile shows masked; add an office phone, proven by answering its call.
  await page.goto(`${server.issuer}/account/security`);
  expect(await heading(page)).toBe('Security info');
  expect(await page.locator('#methods').textContent()).toContain('Phone +1 ••• ••• ••42 (text message)');
  await page.getByLabel('Add a method').selectOption('voice');
  await page.getByRole('button', { name: 'Add method' }).click();
  await expectAccessible(page);
  await page.getByLabel('Office phone number').fill('(212) 555-0177');
  await page.getByRole('button', { name: 'Continue' }).click();
  expect(await page.locator('#calling').textContent()).toContain("We're calling +1 ••• ••• ••77");
  await answerCall(phone, office);
  await page.getByRole('button', { name: 'Continue and add' }).click();
  await page.getByRole('button', { name: /^Make default: Office phone/ }).click();
  expect(await page.getByRole('status').textContent()).toBe('Your default method has changed.');

  // Next sign-in: the office phone rings; # in the other tab, and the page continues by itself.
  await signOut(page);
  server.clock.advance(31_000);
  await signInWithPassword(page);
  expect(await heading(page)).toBe('Verify your identity');
  await expectAccessible(page);
  expect(await page.locator('#calling').textContent()).toContain("We're calling +1 ••• ••• ••77");
  await answerCall(phone, office);
  await page.waitForURL(`${server.issuer}/demo`, { timeout: 15_000 });
  expect(await claim(page, 'amr')).toBe('pwd tel mfa');

  // And the one after: the text instead, through "Use a different verification option".
  await signOut(page);
  server.clock.advance(31_000);
  await signInWithPassword(page);
  await page.getByRole('link', { name: 'Use a different verification option' }).click();
  expect(await heading(page)).toBe('Choose a verification option');
  await page.getByRole('button', { name: 'Phone +1 ••• ••• ••42 (text message)' }).click();
  expect(await page.locator('#sent-to').textContent()).toContain('+1 ••• ••• ••42');
  await expectAccessible(page);
  await page.getByLabel('Verification code').fill(await readCode(phone, mobile));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(`${server.issuer}/demo`);
  expect(await claim(page, 'amr')).toBe('pwd sms mfa');
  await context.close();
});
