// A person at the demo relying party in Chromium: sign in with the password, sign out, and read
// the page's heading and the ID token's claims the demo shows.
import type { Page } from 'playwright-core';
import { demoCredentials } from '../../src/demo/seed.js';
import { expectAccessible } from './browser.js';

/** `issuer` is read when used: test servers start in beforeAll. */
export function demoPages(issuer: () => string) {
  return {
    claim: (page: Page, name: string) => page.locator(`[data-claim="${name}"]`).textContent(),
    heading: (page: Page) => page.getByRole('heading', { level: 1 }).textContent(),
    /** From the demo's "Sign in with Twofold" through the password page (checked for labels and names when asked). */
    async signInWithPassword(page: Page, { checkAccessible = false, username = demoCredentials.username as string, password = demoCredentials.password as string } = {}) {
      await page.goto(`${issuer()}/demo`);
      await page.getByRole('link', { name: 'Sign in with Twofold' }).click();
      if (checkAccessible) await expectAccessible(page);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    },
    /** The demo's "Sign out": no question (the demo sends its ID token), and "You have signed out". */
    async signOut(page: Page) {
      await page.goto(`${issuer()}/demo`);
      await page.getByRole('link', { name: 'Sign out' }).click();
      await page.waitForURL(/\/session\/end\/success/);
      await page.getByRole('heading', { name: 'You have signed out' }).waitFor();
    },
  };
}
