// The server the fuzzer drives, with a person at every page that has a form: sign-in, setup of
// each method, verification with each method, security info and the pages it links to,
// consent, logout and the development phone. Forms and their fields are read from the pages
// themselves, so a new form on any of these pages is fuzzed without a change here.
import { createECDH, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { generateSecret } from 'otplib';
import { createAccount } from '../../src/accounts/createAccount.js';
import { packageRoot } from '../../src/paths.js';
import { twofold } from '../helpers/cli.js';
import { appCode } from '../helpers/mfa.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policyWith, startTestServer, type TestServer } from '../helpers/server.js';
import { type Page, UserAgent } from '../helpers/userAgent.js';

export const password = 'correct horse battery staple';
export const allMethods = ['push', 'totp', 'webauthn', 'sms', 'voice', 'oath', 'recovery'];

/** A form as the page shows it: where it posts, and every named field with its first value. */
export interface PageForm {
  action: string;
  fields: Record<string, string>;
  /** Every value a radio group or select offers, by field name. */
  choices: Record<string, string[]>;
}

const decode = (text: string) => text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
const attribute = (attributes: string, name: string) => {
  const value = new RegExp(`\\b${name}="([^"]*)"`).exec(attributes)?.[1];
  return value === undefined ? undefined : decode(value);
};

/** Every POST form on a page, with inputs, selects and text areas. */
export function pageForms(html: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    if ((attribute(match[1]!, 'method') ?? 'get').toLowerCase() !== 'post') continue;
    const form: PageForm = { action: attribute(match[1]!, 'action') ?? '', fields: {}, choices: {} };
    for (const input of match[2]!.matchAll(/<input\b([^>]*)>/g)) {
      const name = attribute(input[1]!, 'name');
      if (!name) continue;
      const value = attribute(input[1]!, 'value') ?? '';
      if (/type="(checkbox|radio)"/.test(input[1]!)) {
        (form.choices[name] ??= []).push(value);
        if (/\bchecked\b/.test(input[1]!)) form.fields[name] = value;
      } else form.fields[name] ??= value;
    }
    for (const select of match[2]!.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const name = attribute(select[1]!, 'name');
      if (!name) continue;
      const values = [...select[2]!.matchAll(/<option\b([^>]*)>/g)].map((option) => attribute(option[1]!, 'value') ?? '');
      form.choices[name] = values;
      form.fields[name] = values[0] ?? '';
    }
    for (const area of match[2]!.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
      const name = attribute(area[1]!, 'name');
      if (name) form.fields[name] = decode(area[2]!);
    }
    for (const name of Object.keys(form.choices)) form.fields[name] ??= '';
    forms.push(form);
  }
  return forms;
}

/** Same-site links on a page (GET targets), for walking one level further. */
export function pageLinks(html: string, base: string): string[] {
  const origin = new URL(base).origin;
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"#]+)"/g)]
    .map((m) => new URL(decode(m[1]!), base))
    .filter((url) => url.origin === origin)
    .map((url) => url.href);
}

export interface Surface {
  /** What the page is, for the report. */
  name: string;
  /** A browser at the page, reached afresh: its forms are what gets fuzzed. */
  reach(): Promise<{ agent: UserAgent; page: Page }>;
}

export interface FuzzSite {
  server: TestServer;
  rp: RelyingParty;
  thirdParty: RelyingParty;
  surfaces: Surface[];
  /** The accounts the surfaces sign in as. */
  people: { full: { username: string; id: string; secret: string } };
}

let newcomers = 0;

export async function startFuzzSite(): Promise<FuzzSite> {
  // Web Push keys, so the authenticator app's subscription endpoint is there to be fuzzed.
  const vapid = createECDH('prime256v1');
  vapid.generateKeys();
  const server = await startTestServer(
    {
      displayName: 'Acme', phoneCallingCodes: '1,44',
      pushVapidPublicKey: vapid.getPublicKey().toString('base64url'), pushVapidPrivateKey: vapid.getPrivateKey().toString('base64url'),
      pushVapidSubject: 'mailto:ops@example.com', pushServiceOrigins: ['https://push.example.com'],
    },
    {
      policy: `version: 1
defaults: { require: mfa, methods: [${allMethods.join(', ')}], remember: 7d, enrollment: required }
rules:
  - name: security info from the office
    when: { clients: [twofold-account], groups: [office] }
    require: none
`,
    },
  );
  const rp = await createRelyingParty(server);
  const thirdParty = await createRelyingParty(server, { clientId: 'partner', firstParty: false, name: 'Partner App' });
  for (const username of ['alice@example.com', 'bob@example.com']) await createAccount(server.store.accounts, { username, password });
  const oath = await twofold(server.dataDir, ['oath', 'import', join(packageRoot, 'examples', 'oath', 'tokens.csv')]);
  if (oath.code !== 0) throw new Error(`oath import failed: ${oath.err.join('\n')}`);

  /** Someone with every method, set up directly in the store (the methods' own shapes). */
  const personWithEverything = async (username: string, oathSerial?: string) => {
    const secret = generateSecret();
    const { id } = await createAccount(server.store.accounts, { username, password, groups: ['office'] });
    const credentials = server.store.credentials;
    await credentials.add({ accountId: id, method: 'totp', label: 'Phone', secret });
    await credentials.add({ accountId: id, method: 'sms', label: 'Mobile', secret: '+12015550123', data: { kind: 'mobile', extension: null, masked: '+1 ••• ••• ••23' } });
    await credentials.add({ accountId: id, method: 'voice', label: 'Desk', secret: '+12015550124', data: { kind: 'office', extension: null, masked: '+1 ••• ••• ••24', pinHash: null } });
    const { kty, crv, x, y } = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    await credentials.add({ accountId: id, method: 'push', label: 'Phone', externalId: `${username}-device-1`, data: { publicKey: { kty, crv, x, y }, name: 'Phone' } });
    await credentials.add({
      accountId: id, method: 'webauthn', label: 'Blue key', externalId: Buffer.from(`${username}-key`).toString('base64url'),
      data: { publicKey: 'pQECAyYgASFYIA', counter: 0, transports: ['usb'], aaguid: '00000000-0000-0000-0000-000000000000', kind: 'security-key', deviceType: 'singleDevice', backedUp: false },
    });
    if (oathSerial) {
      const assigned = await twofold(server.dataDir, ['oath', 'assign', oathSerial, username]);
      if (assigned.code !== 0) throw new Error(`oath assign failed: ${assigned.err.join('\n')}`);
    }
    return { username, id, secret };
  };
  // The verification pages, security info and consent each have their own person: the fuzzer's
  // wrong codes lock the first out, and the others must still be able to verify.
  const full = await personWithEverything('full', 'TOTP0002');
  const settingsPerson = await personWithEverything('settings');
  const consenter = await personWithEverything('consenter');

  /** Past the password of a new person with no method yet: the setup page. */
  const atSetup = async (before?: (username: string) => Promise<void>) => {
    const username = `newcomer${++newcomers}`;
    await createAccount(server.store.accounts, { username, password });
    await before?.(username);
    const agent = new UserAgent(server.issuer);
    const { page } = await signInWithPassword(agent, rp, username, password);
    if (!page.url.endsWith('/mfa/enroll')) throw new Error(`expected the setup page, got ${page.status} ${page.url}`);
    return { agent, page };
  };
  /** Past the password of the person with every method: the verification page. */
  const atVerify = async () => {
    const agent = new UserAgent(server.issuer);
    const { page } = await signInWithPassword(agent, rp, full.username, password);
    if (!/\/mfa\/?$/.test(page.url)) throw new Error(`expected the verification page, got ${page.status} ${page.url}`);
    return { agent, page };
  };
  /** Signed in to security info (a password from the office, then a fresh code for changes). */
  const callback = `${server.issuer}/account/callback`;
  /** Answers the sign-in pages security info sends the person to (password, then a code when asked). */
  const signInToAccount = async (agent: UserAgent, page: Page, person = settingsPerson) => {
    for (let step = 0; step < 4 && !page.location?.startsWith(callback); step++) {
      if (page.html.includes('<h1>Sign in</h1>')) page = await agent.submit(page, /\/login$/, { username: person.username, password }, callback);
      else if (page.html.includes('Verify your identity')) {
        server.clock.advance(30_000);
        page = await agent.submit(page, /\/mfa\/verify$/, { code: await appCode(server, person.secret) }, callback);
      } else break;
    }
    return page.location?.startsWith(callback) ? agent.follow(page.location) : page;
  };
  /** Signed in to security info (a password from the office; a fresh code when a change needs one). */
  const atSecurityInfo = async (path = '/account/security', person = settingsPerson) => {
    const agent = new UserAgent(server.issuer);
    let page = await signInToAccount(agent, await agent.follow('/account/security', callback), person);
    if (path !== '/account/security') page = await agent.follow(path);
    return { agent, page };
  };

  const assignToken = async (username: string) => {
    await twofold(server.dataDir, ['oath', 'unassign', 'HOTP0002']);
    const assigned = await twofold(server.dataDir, ['oath', 'assign', 'HOTP0002', username]);
    if (assigned.code !== 0) throw new Error(`oath assign failed: ${assigned.err.join('\n')}`);
  };
  const setupDetails: Record<string, Record<string, string>> = {
    sms: { smsCountry: 'US', smsNumber: '201 555 0142' },
    voice: { voiceCountry: 'US', voiceNumber: '201 555 0143' },
    oath: { serial: 'HOTP0002' },
  };

  // Recovery codes the way a person gets them: from security info.
  for (const person of [full, settingsPerson]) {
    const { agent, page } = await atSecurityInfo('/account/security', person);
    let issued = await agent.submit(page, '/account/security/recovery-codes', {}, callback);
    if (!issued.html.includes('<code>')) {
      // A change needs a fresh second factor: give it, then ask again.
      await signInToAccount(agent, issued, person);
      issued = await agent.submit(await agent.follow('/account/security'), '/account/security/recovery-codes', {}, callback);
    }
    if (!issued.html.includes('<code>')) throw new Error(`no recovery codes were issued: ${issued.status} ${issued.url} ${issued.html.match(/<h1>.*<\/h1>/)?.[0]}`);
  }

  const surfaces: Surface[] = [
    {
      name: 'sign-in page',
      async reach() {
        const agent = new UserAgent(server.issuer);
        const { url } = await rp.begin();
        return { agent, page: await agent.follow(url, rp.redirectUri) };
      },
    },
    { name: 'setup: choose a method', reach: () => atSetup() },
    ...allMethods.filter((method) => method !== 'recovery').map((method) => ({
      name: `setup: ${method}`,
      async reach() {
        // A hardware token is activated by the person it was assigned to.
        const { agent, page } = await atSetup(method === 'oath' ? assignToken : undefined);
        const setup = await agent.submit(page, /\/mfa\/enroll\/begin$/, { method, ...setupDetails[method] }, rp.redirectUri);
        if (!setup.url.endsWith('/mfa/enroll/setup')) throw new Error(`setting up ${method} did not reach its setup page: ${setup.status} ${setup.url}`);
        return { agent, page: setup };
      },
    })),
    { name: 'verification: default method', reach: atVerify },
    {
      name: 'verification: other options',
      async reach() {
        const { agent, page } = await atVerify();
        return { agent, page: await agent.follow(page.url.replace(/\/mfa\/?$/, '/mfa/options')) };
      },
    },
    // Each other method the person has, chosen from the options page (one form per method).
    ...allMethods.slice(1).map((_, option) => ({
      name: `verification: option ${option + 1}`,
      async reach() {
        const { agent, page } = await atVerify();
        const options = await agent.follow(page.url.replace(/\/mfa\/?$/, '/mfa/options'));
        const form = pageForms(options.html).filter((f) => f.action.endsWith('/mfa/choose'))[option];
        if (!form) throw new Error(`the options page offers no option ${option + 1}`);
        const chosen = await agent.post(new URL(form.action, options.url).href, form.fields);
        return { agent, page: await agent.follow(chosen.location ?? options.url) };
      },
    })),
    { name: 'security info', reach: () => atSecurityInfo() },
    ...allMethods.filter((method) => method !== 'recovery').map((method) => ({
      name: `security info: add ${method}`,
      async reach() {
        const { agent, page } = await atSecurityInfo();
        const added = await agent.submit(page, '/account/security/add/begin', { method, ...setupDetails[method], ...(setupDetails[method] ? { step: 'details' } : {}) });
        return { agent, page: added };
      },
    })),
    {
      name: 'consent',
      async reach() {
        const agent = new UserAgent(server.issuer);
        const { page } = await signInWithPassword(agent, rp, consenter.username, password);
        // Verified with the app, then the partner asks for consent.
        server.clock.advance(30_000);
        const verified = await agent.submit(page, /\/mfa\/verify$/, { code: await appCode(server, consenter.secret) }, rp.redirectUri);
        if (!verified.location?.startsWith(rp.redirectUri)) throw new Error(`the code was not accepted: ${verified.status} ${verified.url}`);
        const { url } = await thirdParty.begin();
        return { agent, page: await agent.follow(url, thirdParty.redirectUri) };
      },
    },
    {
      name: 'logout',
      async reach() {
        const agent = new UserAgent(server.issuer);
        return { agent, page: await agent.follow('/session/end') };
      },
    },
    {
      name: 'development phone',
      async reach() {
        // A call ringing, so the keypad forms are on the page: a newcomer sets up a desk phone.
        const { agent: caller, page } = await atSetup();
        await caller.submit(page, /\/mfa\/enroll\/begin$/, { method: 'voice', ...setupDetails.voice }, rp.redirectUri);
        const agent = new UserAgent(server.issuer);
        return { agent, page: await agent.follow('/dev/phone') };
      },
    },
  ];
  return { server, rp, thirdParty, surfaces, people: { full } };
}

/** Sub-pages of security info (phone settings, app passwords...) found by following its links. */
export async function securityInfoSubPages(site: FuzzSite): Promise<Surface[]> {
  const home = site.surfaces.find((surface) => surface.name === 'security info')!;
  const { page } = await home.reach();
  const seen = new Set<string>();
  return pageLinks(page.html, page.url)
    .filter((href) => new URL(href).pathname.startsWith('/account/security/') && !seen.has(href) && seen.add(href))
    .map((href) => ({
      name: `security info: ${new URL(href).pathname}`,
      async reach() {
        const { agent } = await home.reach();
        return { agent, page: await agent.follow(href) };
      },
    }));
}
