// The development phone's page in Chromium: a person reads a text and answers a ringing call
// with the keypad, on an accessible page.
import type { Browser } from 'playwright-core';
import { expectAccessible, launchBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ displayName: 'Acme' }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('texts and calls show per number, newest first, and a ringing call is answered from the keypad', async () => {
  const who = { accountId: 'a1', method: 'voice' };
  await server.phone.service.sendText({ to: '+12125550142', body: '123456 is your Acme sign-in code.' }, who);
  server.clock.advance(1000);
  const office = await server.phone.service.placeCall({ to: '+12125550199', extension: '77', mode: 'pin' }, who);
  server.clock.advance(1000);
  const mobile = await server.phone.service.placeCall({ to: '+12125550142', mode: 'confirm' }, who);
  if (!office.ok || !mobile.ok) throw new Error('calls were not placed');

  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.issuer}/dev/phone`);
  await expectAccessible(page);
  expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['+12125550142', '+12125550199']);
  const mobileSection = page.getByRole('region', { name: '+12125550142' });
  expect(await mobileSection.getByRole('listitem').first().textContent()).toContain('press the # key to finish signing in');
  await expect(mobileSection.getByText('123456 is your Acme sign-in code.').isVisible()).resolves.toBe(true);

  await mobileSection.getByRole('button', { name: 'Press #' }).click();
  await page.waitForURL(`${server.issuer}/dev/phone`);
  expect(await server.phone.service.callAnswer(mobile.callId, 'confirm')).toEqual({ kind: 'confirmed' });
  expect(await mobileSection.getByText('answered: #').count()).toBe(1);

  const officeSection = page.getByRole('region', { name: '+12125550199' });
  await officeSection.getByLabel('Keys to press (end with #)').fill('1234');
  await officeSection.getByRole('button', { name: 'Press keys' }).click();
  await expect(page.getByRole('alert').textContent()).resolves.toContain('finish with #');
  expect(await server.phone.service.callAnswer(office.callId, 'pin')).toEqual({ kind: 'waiting' });
  await expectAccessible(page);
  await officeSection.getByLabel('Keys to press (end with #)').fill('1234#');
  await officeSection.getByRole('button', { name: 'Press keys' }).click();
  await page.waitForURL(`${server.issuer}/dev/phone`);
  expect(await server.phone.service.callAnswer(office.callId, 'pin')).toEqual({ kind: 'pin', pin: '1234' });
  expect(await page.getByRole('button', { name: 'Press #' }).count()).toBe(0);
});
