// Headless Chromium from Debian's package, driven by playwright-core (never a downloaded browser).
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { expectAccessible as expectWcag } from './axe.js';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`browser tests need Debian's chromium at ${chromiumPath}: sudo apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // The machine's network is closed: keep Chromium from reaching out (see the env notes).
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Every visible input has a label, every button and link has a name a person can see or hear,
 * and axe-core finds no WCAG 2.2 A/AA violation at this size or at phone size (test/helpers/axe.ts). */
export async function expectAccessible(page: import('playwright-core').Page, name?: string) {
  const problems = await page.evaluate(() => {
    const found: string[] = [];
    for (const input of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
      const field = input as HTMLInputElement;
      if (!field.labels?.length && !field.getAttribute('aria-label')) found.push(`unlabelled ${field.tagName.toLowerCase()} name=${field.name}`);
    }
    for (const action of document.querySelectorAll('button, a[href]')) {
      const name = (action.getAttribute('aria-label') ?? action.textContent ?? '').trim();
      if (!name) found.push(`nameless ${action.tagName.toLowerCase()}`);
    }
    return found;
  });
  if (problems.length) throw new Error(`${page.url()}: ${problems.join('; ')}`);
  await expectWcag(page, name ?? `the page titled "${await page.title()}"`);
}
