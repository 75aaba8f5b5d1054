// The helpdesk flow in Chromium: an administrator signs in to the console with their second
// factor, finds the person who left their phone at home, issues a one-time bypass; the person
// signs in with their password alone; the sign-in log shows the bypass and that sign-in with
// its policy rule.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { generateSecret } from 'otplib';
import { createAccount } from '../../src/accounts/createAccount.js';
import { demoCredentials } from '../../src/demo/seed.js';
import { appCode } from '../helpers/mfa.js';
import { expectAccessible, launchBrowser } from '../helpers/browser.js';
import { demoPages } from '../helpers/demoPages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const shipped = readFileSync(join(process.cwd(), 'policies/default.yaml'), 'utf8');
let server: TestServer;
let browser: Browser;
const { claim, heading, signInWithPassword } = demoPages(() => server.issuer);
beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ demo: true }, { policy: shipped }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('an administrator signs in with MFA, finds a person, issues a bypass; the log shows it and the sign-in it let through', async () => {
  const adminPassword = 'correct horse battery staple';
  const { id: adminId } = await createAccount(server.store.accounts, { username: 'helpdesk', password: adminPassword, groups: ['twofold-admins'] });
  const adminSecret = generateSecret();
  await server.store.credentials.add({ accountId: adminId, method: 'totp', label: 'Phone', secret: adminSecret });
  // The person has an authenticator app, left at home today.
  const person = (await server.store.accounts.findByUsername(demoCredentials.username))!;
  await server.store.credentials.add({ accountId: person.id, method: 'totp', label: 'Phone', secret: generateSecret() });

  const consolePage = await browser.newPage();
  // The console works under the strict CSP: no inline script or style for the browser to refuse
  // (the browser's own favicon request, answered 404, logs an error of another kind).
  const browserErrors: string[] = [];
  consolePage.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) browserErrors.push(message.text());
  });
  await consolePage.goto(`${server.issuer}/admin`);
  expect(await heading(consolePage)).toBe('Sign in');
  await consolePage.getByLabel('Username').fill('helpdesk');
  await consolePage.getByLabel('Password').fill(adminPassword);
  await consolePage.getByRole('button', { name: 'Sign in', exact: true }).click();
  expect(await heading(consolePage)).toBe('Verify your identity');
  await consolePage.getByLabel('Verification code').fill(await appCode(server, adminSecret));
  await consolePage.getByRole('button', { name: /Verify/ }).click();
  await consolePage.waitForURL(`${server.issuer}/admin/users`);
  expect(await heading(consolePage)).toBe('Users');
  await expectAccessible(consolePage);

  await consolePage.getByLabel('Find a user by name, username, email or phone').fill('Demo Person');
  await consolePage.getByRole('button', { name: 'Search' }).click();
  await consolePage.getByRole('link', { name: demoCredentials.username, exact: true }).click();
  expect(await heading(consolePage)).toBe(`${demoCredentials.username} (Demo Person)`);
  await expectAccessible(consolePage);
  await consolePage.getByLabel(/Valid for \(minutes/).fill('10');
  await consolePage.getByRole('button', { name: 'Issue bypass' }).click();
  expect(await consolePage.getByRole('status').textContent()).toContain('One-time bypass issued.');
  expect(await consolePage.locator('#bypass-state').textContent()).toContain('issued by admin:helpdesk');

  // The person, in their own browser, signs in with the password alone.
  const personPage = await browser.newPage();
  await signInWithPassword(personPage);
  await personPage.waitForURL(`${server.issuer}/demo`);
  expect(await claim(personPage, 'amr')).toBe('pwd');

  await consolePage.getByRole('link', { name: `Sign-in log for ${demoCredentials.username}` }).click();
  expect(await heading(consolePage)).toBe('Sign-in log');
  await expectAccessible(consolePage);
  const rows = await consolePage.locator('#log tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())));
  const byType = (type: string) => rows.find((cells) => cells[1] === type);
  expect(byType('bypass.issue')).toEqual(expect.arrayContaining([demoCredentials.username, 'admin:helpdesk']));
  expect(byType('mfa.bypass')).toEqual(expect.arrayContaining(['success', demoCredentials.username, 'demo', 'defaults', 'one-time bypass used', 'admin:helpdesk']));
  expect(byType('policy')).toEqual(expect.arrayContaining([demoCredentials.username, 'demo', 'defaults trace', 'require mfa']));
  expect(await consolePage.getByRole('img', { name: /Sign-ins per hour by result/ }).isVisible()).toBe(true);
  expect(await consolePage.locator('#per-hour tbody tr td').nth(1).textContent()).toBe('1');

  // The decision's trace, under today's policy.
  await consolePage.getByRole('link', { name: `Trace of the decision for ${demoCredentials.username} at demo under today's policy` }).first().click();
  expect(await heading(consolePage)).toBe('Policies');
  await expectAccessible(consolePage);
  const explanation = await consolePage.locator('#explanation').textContent();
  expect(explanation).toContain('rule:        defaults');
  expect(explanation).toContain('skip   admin console');

  // The other pages of the console pass the same checks as the sign-in pages.
  for (const [link, title] of [['Fraud alerts', 'Fraud alerts'], ['Applications', 'Applications'], ['Hardware tokens', 'Hardware tokens']]) {
    await consolePage.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: link }).click();
    expect(await heading(consolePage)).toBe(title);
    await expectAccessible(consolePage, `admin ${title}`);
  }
  await consolePage.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: 'Applications' }).click();
  await consolePage.getByRole('link', { name: 'demo', exact: true }).first().click();
  await expectAccessible(consolePage, 'admin application');
  expect(browserErrors).toEqual([]);
});

test('someone outside the admin group gets the "no access" page, which passes the same checks', async () => {
  const password = 'correct horse battery staple';
  const { id } = await createAccount(server.store.accounts, { username: 'visitor', password, groups: ['staff'] });
  const secret = generateSecret();
  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Phone', secret });
  const page = await browser.newPage();
  await page.goto(`${server.issuer}/admin`);
  await page.getByLabel('Username').fill('visitor');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByLabel('Verification code').fill(await appCode(server, secret));
  await page.getByRole('button', { name: /Verify/ }).click();
  await page.getByRole('heading', { name: "You don't have access" }).waitFor();
  await expectAccessible(page, 'admin forbidden');
});
