// The sign-in's dead ends and its lockout, in Chromium at phone size (390x844) and desktop size:
// Back after signing in links to the application; an unknown address gets a styled 404; the
// blocked and locked pages give a reference that `twofold audit tail` finds; the verification
// page says how many tries remain once few do, then disables its form until the time the lock
// ends; it says whose sign-in it is; and the security-info page's step-up says why it asks.
import type { Browser, Page } from 'playwright-core';
import { createAccount } from '../../src/accounts/createAccount.js';
import { twofold } from '../helpers/cli.js';
import { appCode } from '../helpers/mfa.js';
import { expectAccessible, launchBrowser } from '../helpers/browser.js';
import { policies, policyWith, startTestServer, type TestServer } from '../helpers/server.js';
import { demoPages } from '../helpers/demoPages.js';

let server: TestServer;
const { claim, heading } = demoPages(() => server.issuer);
let browser: Browser;
const password = 'correct horse battery staple';
let people = 0;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ demo: true }, { policy: policies.mfaWithRecovery }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const sizes = [['phone', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 800 }]] as const;

/** Playwright's waits end well before the test's own time limit, so a failure names its step. */
async function newContext(viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(8000);
  return context;
}

async function newPerson() {
  const username = `person${++people}`;
  await createAccount(server.store.accounts, { username, password });
  return username;
}

const signIn = (page: Page, username: string) => demoPages(() => server.issuer).signInWithPassword(page, { username, password });

/** A person who set up an authenticator app on their first sign-in, in a browser of its own
 * (so the test's browser starts signed out); returns the app's key. */
async function enrolled(username: string): Promise<string> {
  const context = await newContext(sizes[1][1]);
  const page = await context.newPage();
  await signIn(page, username);
  await page.getByRole('button', { name: 'Set it up now' }).click();
  const secret = (await page.locator('#secret').textContent())!.replace(/\s/g, '');
  await page.getByLabel('Verification code').fill(await appCode(server, secret));
  await page.getByRole('button', { name: 'Verify and continue' }).click();
  await page.getByRole('button', { name: /I've saved them, continue/ }).click();
  await page.waitForURL(`${server.issuer}/demo`);
  server.clock.advance(30_000);
  await context.close();
  return secret;
}

/** A new person with an authenticator app, in a fresh browser of this size, past the password:
 * at the code page. */
async function atCodePage(viewport: { width: number; height: number }) {
  const context = await newContext(viewport);
  const username = await newPerson();
  const secret = await enrolled(username);
  const page = await context.newPage();
  await signIn(page, username);
  return { context, username, secret, page };
}

const auditLines = async (username: string) => (await twofold(server.dataDir, ['audit', 'tail', '--user', username, '--lines', '200'])).out;

for (const [size, viewport] of sizes) {
  test(`at ${size} size, Back after signing in shows a page that links back to the application`, async () => {
    const { context, username, secret, page } = await atCodePage(viewport);
    expect(await heading(page)).toBe('Verify your identity');
    await page.getByLabel('Verification code').fill(await appCode(server, secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${server.issuer}/demo`);
    expect(await claim(page, 'preferred_username')).toBe(username);
    server.clock.advance(30_000);

    await page.goBack();
    expect(await heading(page)).toBe('We could not continue');
    expect(await page.getByRole('paragraph').filter({ hasText: 'expired or was already used' }).count()).toBe(1);
    await expectAccessible(page);
    // The demo's registered redirect URI is on this server: its origin is where "back" goes.
    const back = page.getByRole('link', { name: 'Go back to Twofold demo app' });
    expect(await back.getAttribute('href')).toBe(`${server.issuer}/`);
    await back.click();
    expect(await heading(page)).toBe('Twofold is running');
    await context.close();
  });
}

for (const [size, viewport] of sizes) {
  test(`at ${size} size an unknown address gets the styled "We can't find that page" with a way home`, async () => {
    const context = await newContext(viewport);
    const page = await context.newPage();
    const response = await page.goto(`${server.issuer}/no/such/page`);
    expect(response!.status()).toBe(404);
    expect(await heading(page)).toBe("We can't find that page");
    await expectAccessible(page);
    // Styled like every other page: the stylesheet loaded and laid out the card.
    expect(await page.locator('main.card').evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(255, 255, 255)');
    await page.getByRole('link', { name: 'Go to the Twofold home page' }).click();
    expect(await heading(page)).toBe('Twofold is running');
    // Under /interaction and /account too, where Twofold's own routes live.
    for (const path of ['/interaction/nothing-here/mfa/nowhere', '/account/security/nowhere', '/public/missing.css']) {
      const other = await page.goto(`${server.issuer}${path}`);
      expect([path, other!.status()]).toEqual([path, 404]);
      expect(await heading(page)).toBe("We can't find that page");
    }
    await context.close();
  });
}

test('a client that does not ask for HTML gets a plain 404 from an unknown address', async () => {
  const response = await fetch(`${server.issuer}/no/such/api`, { headers: { accept: 'application/json' } });
  expect(response.status).toBe(404);
  expect(response.headers.get('content-type')).not.toMatch(/html/);
});

test('an interaction nobody knows links to the home page', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.issuer}/interaction/not-a-real-one`);
  expect(await heading(page)).toBe('We could not continue');
  expect(await page.getByRole('link', { name: 'Go to the Twofold home page' }).getAttribute('href')).toBe('/');
  await page.close();
});

for (const [size, viewport] of sizes) {
  test(`at ${size} size the blocked page gives a reference that audit tail finds`, async () => {
    const username = await newPerson();
    server.setPolicy(policyWith('require: mfa\nmethods: [totp, recovery]\nremember: 0', `\n  - name: former staff\n    when: { users: [${username}] }\n    require: block\n`));
    try {
      const context = await newContext(viewport);
      const page = await context.newPage();
      await signIn(page, username);
      expect(await heading(page)).toBe("You can't sign in here");
      await expectAccessible(page);
      const reference = (await page.locator('#reference .reference').textContent())!;
      expect(reference).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(await page.locator('#reference').textContent()).toBe(`If you contact your helpdesk, quote this reference: ${reference}`);
      const lines = await auditLines(username);
      expect(lines.filter((line) => line.includes(reference))).toEqual([
        expect.stringMatching(new RegExp(`sign-in info user=${username} client=demo rule="former staff" .*reason="reference ${reference}: shown \\\\"You can't sign in here\\\\": blocked by policy"`)),
      ]);
      await context.close();
    } finally {
      server.setPolicy(policies.mfaWithRecovery);
    }
  });
}

for (const [size, viewport] of sizes) {
  test(`at ${size} size the code page warns when 3 tries remain, then disables the form until the lock ends, with a reference`, async () => {
    const { context, username, secret, page } = await atCodePage(viewport);
    expect(await heading(page)).toBe('Verify your identity');
    expect((await page.locator('.signing-in-as').textContent())!.replace(/\s+/g, ' ').trim()).toBe(`Signing in as ${username} — Not you?`);

    const alerts: string[] = [];
    for (let i = 1; i <= 9; i++) {
      await page.getByLabel('Verification code').fill('000000');
      await page.getByRole('button', { name: 'Verify' }).click();
      alerts.push((await page.getByRole('alert').textContent())!);
    }
    const failed = "That code didn't work. Check the code and try again.";
    expect(alerts).toEqual([
      ...Array(6).fill(failed),
      `${failed} You have 3 tries left before verification is locked.`,
      `${failed} You have 2 tries left before verification is locked.`,
      `${failed} You have 1 try left before verification is locked.`,
    ]);
    expect(await page.getByLabel('Verification code').isEnabled()).toBe(true);

    const before = server.clock.now();
    await page.getByLabel('Verification code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    const after = server.clock.now();
    expect(await page.getByRole('alert').textContent()).toBe('Too many failed attempts. Try again in 15 minutes.');
    expect(await page.getByLabel('Verification code').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Verify' }).isDisabled()).toBe(true);
    const until = Date.parse((await page.locator('#locked-until time').getAttribute('datetime'))!);
    expect(until).toBeGreaterThanOrEqual(before + 15 * 60_000);
    expect(until).toBeLessThanOrEqual(after + 15 * 60_000);
    expect(await page.locator('#locked-until').textContent()).toBe(`You can try again at ${new Date(until).toISOString().slice(11, 16)} UTC.`);
    await expectAccessible(page);

    // A reload while locked shows the same: nothing to type into, and a reference the log holds.
    await page.reload();
    expect(await page.getByLabel('Verification code').isDisabled()).toBe(true);
    const reference = (await page.locator('#reference .reference').textContent())!;
    const lines = await auditLines(username);
    expect(lines.filter((line) => line.includes(reference))).toEqual([
      expect.stringContaining(`reason="reference ${reference}: shown the verification page locked until ${new Date(until).toISOString()}"`),
    ]);

    // Once the lock ends, the form is back and the right code works.
    server.clock.advance(15 * 60_000);
    await page.reload();
    expect(await page.getByLabel('Verification code').isEnabled()).toBe(true);
    expect(await page.locator('#locked-until').count()).toBe(0);
    await page.getByLabel('Verification code').fill(await appCode(server, secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${server.issuer}/demo`);
    expect(await claim(page, 'amr')).toBe('pwd otp mfa');
    server.clock.advance(30_000);
    await context.close();
  });
}

for (const [size, viewport] of sizes) {
  test(`at ${size} size the step-up on the security-info page says why it asks: "To add a method, verify it's you"`, async () => {
    const username = await newPerson();
    const secret = await enrolled(username);
    // Security info opens with the password alone here, so adding a method steps up.
    server.setPolicy(policyWith('require: mfa\nmethods: [totp, recovery]\nremember: 0', '\n  - name: security info\n    when: { clients: [twofold-account] }\n    require: none\n'));
    try {
      const context = await newContext(viewport);
      const page = await context.newPage();
      await page.goto(`${server.issuer}/account/security`);
      expect(await page.locator('#purpose').count()).toBe(0);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      expect(await heading(page)).toBe('Security info');

      await page.getByRole('button', { name: 'Add method' }).click();
      expect(await heading(page)).toBe('Sign in');
      expect(await page.locator('#purpose').textContent()).toBe("To add a method, verify it's you.");
      await expectAccessible(page);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      expect(await heading(page)).toBe('Verify your identity');
      expect(await page.locator('#purpose').textContent()).toBe("To add a method, verify it's you.");
      // Someone is signed in already: "Not you?" signs out rather than starting over.
      expect(await page.getByRole('link', { name: 'Not you?' }).getAttribute('href')).toBe('/session/end');
      await page.getByLabel('Verification code').fill(await appCode(server, secret));
      await page.getByRole('button', { name: 'Verify' }).click();
      expect(await heading(page)).toBe('Security info');
      server.clock.advance(30_000);
      await context.close();
    } finally {
      server.setPolicy(policies.mfaWithRecovery);
    }
  });
}

test('another application cannot borrow the step-up wording', async () => {
  const page = await browser.newPage();
  const request = (clientId: string, redirectUri: string) => `${server.issuer}/auth?${new URLSearchParams({
    client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', twofold_purpose: 'add-method',
  })}`;
  await page.goto(request('demo', `${server.issuer}/demo/callback`));
  expect(await heading(page)).toBe('Sign in');
  expect(await page.locator('#purpose').count()).toBe(0);
  // The same request from "My security info" is believed.
  await page.goto(request('twofold-account', `${server.issuer}/account/callback`));
  expect(await heading(page)).toBe('Sign in');
  expect(await page.locator('#purpose').textContent()).toBe("To add a method, verify it's you.");
  await page.close();
});

for (const [size, viewport] of sizes) {
  test(`at ${size} size signing out of the demo asks nothing and says "You have signed out"; without a hint Twofold asks first`, async () => {
    const { context, username, secret, page } = await atCodePage(viewport);
    await page.getByLabel('Verification code').fill(await appCode(server, secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${server.issuer}/demo`);
    server.clock.advance(30_000);

    // The demo sends its ID token: no question, and no sign-in form after.
    await page.getByRole('link', { name: 'Sign out' }).click();
    await page.waitForURL(/\/session\/end\/success/);
    expect(await heading(page)).toBe('You have signed out');
    await expectAccessible(page);
    expect(await page.getByLabel('Password').count()).toBe(0);
    // oidc-provider does not name the application after a whole sign-out: the way on is the home page.
    expect(await page.getByRole('link', { name: 'Go to the Twofold home page' }).getAttribute('href')).toBe('/');
    // Signed out for real: the next sign-in asks for the password.
    await signIn(page, username);
    expect(await heading(page)).toBe('Verify your identity');

    // A sign-out nobody vouched for (no id_token_hint) asks first, as the specification expects.
    await page.getByLabel('Verification code').fill(await appCode(server, secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${server.issuer}/demo`);
    server.clock.advance(30_000);
    await page.goto(`${server.issuer}/session/end`);
    expect(await heading(page)).toBe('Sign out of Twofold?');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await heading(page)).toBe('You have signed out');
    await context.close();
  });
}
