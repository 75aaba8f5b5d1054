// `npm run screenshots`: the README's pictures, taken from a real demo server in a temp folder
// with headless Chromium: the set-up page at phone size, security info and the admin console's
// sign-in log at desktop size.
// Writes docs/screenshots/*.png; run it again after changing a page.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { demoCredentials } from '../src/demo/seed.js';
import { totpCode } from '../src/factors/otpCodes.js';
import { packageRoot } from '../src/paths.js';
import { createLogger } from '../src/log.js';
import { startTwofold } from '../src/server.js';

const out = join(packageRoot, 'docs', 'screenshots');
const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 900 };

const dataDir = mkdtempSync(join(tmpdir(), 'twofold-screenshots-'));
const policyDir = join(dataDir, 'policies');
cpSync(join(packageRoot, 'policies', 'default.yaml'), join(policyDir, 'default.yaml'));
const twofold = await startTwofold({
  env: {},
  overrides: { nodeEnv: 'development', port: 0, host: '127.0.0.1', dataDir, policies: policyDir, demo: true, logLevel: 'error' },
  log: createLogger('error'),
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  mkdirSync(out, { recursive: true });
  const page = await browser.newPage({ viewport: phone, deviceScaleFactor: 2 });
  await page.goto(`${twofold.issuer}/demo`);
  await page.getByRole('link', { name: 'Sign in with Twofold' }).click();
  await page.getByLabel('Username').fill(demoCredentials.username);
  await page.getByLabel('Password').fill(demoCredentials.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('radio', { name: /^Authenticator app:/ }).check();
  await page.getByRole('button', { name: 'Set it up now' }).click();
  await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
  await page.screenshot({ path: join(out, 'setup-phone.png'), fullPage: true });

  // Prove the app, pass the pages that follow, and look at security info on a desktop.
  const secret = (await page.locator('#secret').textContent())!.replace(/\s/g, '');
  await page.getByLabel('Verification code').fill(await totpCode(secret, Math.floor(Date.now() / 1000)));
  await page.getByRole('button', { name: 'Verify and continue' }).click();
  for (let step = 0; step < 5 && !page.url().endsWith('/demo'); step++) {
    const next = page.getByRole('button', { name: /continue|Not now|Continue/i }).or(page.getByRole('link', { name: /^Not now/ })).first();
    await next.click();
    await page.waitForLoadState('load');
  }
  await page.setViewportSize(desktop);
  await page.goto(`${twofold.issuer}/account/security`);
  await page.getByRole('heading', { name: 'Security info' }).waitFor();
  await page.screenshot({ path: join(out, 'security-info-desktop.png'), fullPage: true });

  // The same person made an administrator: the console's sign-in log, with its chart.
  const account = await twofold.store.accounts.findByUsername(demoCredentials.username);
  await twofold.store.accounts.setGroups(account!.id, ['demo', twofold.config.adminGroup]);
  await page.goto(`${twofold.issuer}/admin/log`);
  await page.getByRole('heading', { name: 'Sign-in log' }).waitFor();
  await page.screenshot({ path: join(out, 'admin-console-desktop.png'), fullPage: true });
  console.log(`wrote ${['setup-phone', 'security-info-desktop', 'admin-console-desktop'].map((name) => join(out, `${name}.png`)).join(', ')}`);
} finally {
  await browser.close();
  await twofold.close();
  rmSync(dataDir, { recursive: true, force: true });
}
