// WCAG 2.2 AA checked by axe-core in the page, at the page's own size and at phone size.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource: string = createRequire(import.meta.url)('axe-core').source;

/** The rule sets of WCAG 2.0, 2.1 and 2.2 at levels A and AA. */
export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
export const phoneSize = { width: 390, height: 844 };

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core once at the current size. Our pages' CSP forbids inline script, so the source
 * goes in through page.evaluate (DevTools evaluation is not subject to the page's CSP). */
export async function axeViolations(page: Page): Promise<Violation[]> {
  await page.waitForLoadState('load');
  const present = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!present) await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  }, wcagTags);
}

/** What axe leaves to people, checked in the page: WCAG 1.4.11 (a field's border and the focus
 * indicator reach 3:1 against what surrounds them) and 2.4.3 (autofocus never skips an empty
 * field placed before it in the same form; a filled one, such as the username kept after a
 * wrong password, may be passed). */
export async function ownChecks(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const rgb = (color: string) => (color.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = (color: string) => {
      const [r = 0, g = 0, b = 0] = rgb(color).map((c) => c / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const contrast = (a: string, b: string) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
      return (hi + 0.05) / (lo + 0.05);
    };
    const transparent = (color: string) => color === 'transparent' || (rgb(color).length === 4 && rgb(color)[3] === 0);
    const backgroundBehind = (element: Element | null): string => {
      for (let at = element; at; at = at.parentElement) {
        const color = getComputedStyle(at).backgroundColor;
        if (!transparent(color)) return color;
      }
      return 'rgb(255, 255, 255)';
    };
    const visible = (element: Element) => (element as HTMLElement).offsetParent !== null && getComputedStyle(element).visibility !== 'hidden';
    const named = (element: Element) => {
      const id = element.id ? `#${element.id}` : '';
      const text = (element.textContent ?? '').trim().slice(0, 30);
      return `${element.tagName.toLowerCase()}${id}${text ? ` "${text}"` : ''}`;
    };
    const fields = [...document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea')].filter(visible);
    for (const field of fields) {
      const style = getComputedStyle(field);
      if (parseFloat(style.borderBottomWidth) === 0) continue;
      const ratio = contrast(style.borderBottomColor, backgroundBehind(field.parentElement));
      if (ratio < 3) found.push(`1.4.11 border of ${named(field)} is ${ratio.toFixed(2)}:1 against its background (needs 3:1)`);
    }
    // Focus and scroll are put back afterwards: a test may go on to check where the page begins.
    const active = document.activeElement;
    const [scrollX, scrollY] = [window.scrollX, window.scrollY];
    // Not a field that offers passkeys (autocomplete "... webauthn"): focusing it starts the
    // browser's passkey autofill, which would sign in under the test's feet. It shares its
    // style with the other fields checked here.
    for (const element of [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')].filter(visible)) {
      if (/\bwebauthn\b/.test(element.getAttribute('autocomplete') ?? '')) continue;
      (element as HTMLElement).focus({ focusVisible: true, preventScroll: true } as FocusOptions);
      if (document.activeElement !== element) continue; // disabled, or not focusable at all
      const style = getComputedStyle(element);
      if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0) {
        if (style.boxShadow === 'none') found.push(`1.4.11 ${named(element)} shows no focus indicator`);
        continue;
      }
      const ratio = contrast(style.outlineColor, backgroundBehind(element.parentElement));
      if (ratio < 3) found.push(`1.4.11 focus indicator of ${named(element)} is ${ratio.toFixed(2)}:1 against its background (needs 3:1)`);
    }
    if (active && active !== document.body) (active as HTMLElement).focus({ preventScroll: true });
    else (document.activeElement as HTMLElement | null)?.blur?.();
    window.scrollTo(scrollX, scrollY);
    const autofocused = document.querySelector('[autofocus]');
    const form = autofocused?.closest('form');
    if (autofocused && form) {
      const before = [...form.querySelectorAll('input:not([type=hidden]), select, textarea')].filter(visible)
        .filter((field) => (field as HTMLInputElement).value === '' && field.compareDocumentPosition(autofocused) & Node.DOCUMENT_POSITION_FOLLOWING);
      for (const field of before) found.push(`2.4.3 autofocus on ${named(autofocused)} skips the empty ${named(field)} before it`);
    }
    return [...new Set(found)];
  });
}

function describe(size: string, violations: Violation[]): string[] {
  return violations.map((v) => `[${size}] ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`).join('\n')}`);
}

/** Fails listing every WCAG A/AA violation axe finds, at the page's size and at phone size
 * (390x844), and what ownChecks finds; the page is put back to its size afterwards. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 720 };
  const problems = describe(`${size.width}x${size.height}`, await axeViolations(page));
  problems.push(...(await ownChecks(page)));
  const otherSize = size.width === phoneSize.width && size.height === phoneSize.height ? { width: 1280, height: 720 } : phoneSize;
  await page.setViewportSize(otherSize);
  try {
    problems.push(...describe(`${otherSize.width}x${otherSize.height}`, await axeViolations(page)));
  } finally {
    await page.setViewportSize(size);
  }
  if (problems.length) throw new Error(`${name} (${page.url()}) is not accessible:\n${problems.join('\n')}`);
}
