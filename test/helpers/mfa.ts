// A person with an authenticator app: reads the setup key off the page and types codes.
import { totpCode } from '../../src/factors/otpCodes.js';
import type { TestServer } from './server.js';
import type { Page, UserAgent } from './userAgent.js';

/** The setup key as the page shows it, without the spaces that group it. */
export function setupKey(html: string): string {
  const key = /id="secret">([A-Z2-7 ]+)</.exec(html)?.[1];
  if (!key) throw new Error(`no setup key on the page:\n${html.slice(0, 1500)}`);
  return key.replace(/ /g, '');
}

/** The code the app shows now, or `steps` periods from now. */
export function appCode(server: TestServer, secret: string, steps = 0): Promise<string> {
  return totpCode(secret, Math.floor(server.clock.now() / 1000) + steps * 30);
}

/** From "More information required": set up the app, prove it, read "You're all set" (and any
 * recovery codes), and follow on. */
export async function enrollApp(agent: UserAgent, intro: Page, server: TestServer, stopAt: string, label = '') {
  const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, {}, stopAt);
  const secret = setupKey(setup.html);
  const confirmation = await agent.submit(setup, /\/mfa\/enroll\/finish$/, { code: await appCode(server, secret), label }, stopAt);
  if (!/\/mfa\/done$/.test(confirmation.url)) throw new Error(`setup did not end on its confirmation page:\n${confirmation.html.slice(0, 1500)}`);
  const recoveryCodes = [...confirmation.html.matchAll(/<li><code>([0-9a-z-]{19})<\/code><\/li>/g)].map((match) => match[1]!);
  const done = await agent.submit(confirmation, /\/mfa\/done$/, {}, stopAt);
  // The code just used is spent; the app's next one is what a person would type next.
  server.clock.advance(30_000);
  return { secret, setup, confirmation, recoveryCodes, done };
}

export async function enterCode(agent: UserAgent, page: Page, code: string, stopAt: string, extra: Record<string, string> = {}) {
  return agent.submit(page, /\/mfa\/verify$/, { code, ...extra }, stopAt);
}
