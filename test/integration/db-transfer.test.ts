// `twofold db export` / `twofold db import`: everything moves from one store to a fresh one
// (SQLite to SQLite here; the same rows go to and from MongoDB), and people sign in afterwards
// with every method they set up before (an authenticator app and its recovery codes, a text
// message, a call, the Twofold authenticator's push, a hardware OATH token, a passkey, and an
// app password in a legacy app), with openid-client as the relying party.
import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { createAccount } from '../../src/accounts/createAccount.js';
import { createAppPassword } from '../../src/accounts/appPasswords.js';
import { activate, answer, type AuthenticatorAccount, parseActivationLink, pendingRequests } from '../../src/authenticator/client.js';
import { registerClient } from '../../src/clients/registerClient.js';
import { devKeysFile } from '../../src/config/keys.js';
import { seedBytes } from '../../src/factors/oath/seed.js';
import { totpCode } from '../../src/factors/otpCodes.js';
import { acrMfa } from '../../src/provider/acr.js';
import { twofold } from '../helpers/cli.js';
import { appCode, enrollApp, enterCode } from '../helpers/mfa.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policyWith, startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { pageOptions, SoftwarePasskey } from '../helpers/softwarePasskey.js';
import { withStore } from '../helpers/storeAccess.js';
import { noticeText, type Page, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
/** Every method that can be driven here; totp first, so a plain setup picks the app. */
const policy = policyWith('require: mfa\nmethods: [totp, recovery, sms, voice, push, oath, webauthn]\nremember: 7d\nenrollment: required');
const options = { displayName: 'Acme', phoneCallingCodes: '1,44' };
const source = tempDir();
const exportFile = join(tempDir(), 'twofold-export.jsonl');
// A hardware token on record with its vendor, imported from a CSV as an administrator would.
const oathSeed = Buffer.from('twofold-transfer-token-seed!').toString('hex');
const oathCsv = `upn,serial number,secret key,time interval,manufacturer,model,type,counter\noliver,TOTP9001,${oathSeed},30,Token2,C202,totp,\n`;
const numbers = { sms: { typed: '(212) 555-0101', e164: '+12125550101' }, voice: { typed: '(212) 555-0102', e164: '+12125550102' } };

let rp: RelyingParty;
let port: number;
let before: { id: string; secret: string; recoveryCodes: string[]; agent: UserAgent };
/** Who set up which method before the export, and what their device or app holds. */
const enrolled = {
  sms: { username: 'sam', id: '' },
  voice: { username: 'val', id: '' },
  push: { username: 'pat', id: '', device: undefined as unknown as AuthenticatorAccount },
  oath: { username: 'oliver', id: '' },
  passkey: { username: 'kim', id: '', key: undefined as unknown as SoftwarePasskey },
  appPassword: { clientId: 'mail', secret: '', password: '' },
};
let auditBefore: number;
let credentialsBefore: number;

const texts = async (server: TestServer, to: string) =>
  ((await (await fetch(`${server.issuer}/dev/phone/messages?to=${encodeURIComponent(to)}`)).json()) as { messages: { body: string }[] }).messages.map((m) => m.body);
const newestCode = async (server: TestServer, to: string) => /^(\d{6}) is your/.exec((await texts(server, to))[0] ?? '')?.[1] ?? '';
const newestCall = async (server: TestServer, to: string) =>
  ((await (await fetch(`${server.issuer}/dev/phone/calls?to=${encodeURIComponent(to)}`)).json()) as { calls: { id: string }[] }).calls[0]!;
const press = (server: TestServer, callId: string, keys: string) =>
  fetch(`${server.issuer}/dev/phone/calls/${callId}/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keys }) });
const oathCode = (server: TestServer) => totpCode(seedBytes(oathSeed), Math.floor(server.clock.now() / 1000));

/** A new person's first sign-in: the password, then setting up `method` with what `prove`
 * answers on the setup page, then "You're all set" and on to the relying party. */
async function firstSignIn(server: TestServer, username: string, fields: Record<string, string>, prove: (setup: Page) => Promise<Record<string, string>>) {
  const id = (await server.store.accounts.findByUsername(username))?.id ?? (await createAccount(server.store.accounts, { username, password })).id;
  const agent = new UserAgent(server.issuer);
  const { page: intro, checks } = await signInWithPassword(agent, rp, username, password);
  expect(intro.html).toContain('<h1>More information required</h1>');
  const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, fields, rp.redirectUri);
  const proven = await agent.submit(setup, /\/mfa\/enroll\/finish$/, await prove(setup), rp.redirectUri);
  if (!/\/mfa\/done$/.test(proven.url)) throw new Error(`${username}'s setup did not finish:\n${proven.html.slice(0, 1500)}`);
  const back = await agent.submit(proven, /\/mfa\/done$/, {}, rp.redirectUri);
  expect((await rp.finish(back.location!, checks)).claims()).toMatchObject({ sub: id, amr: expect.arrayContaining(['pwd', 'mfa']) });
  return id;
}

// One enrolment setup: each person sets up their method at their first sign-in, through the pages.
beforeAll(async () => {
  const first = await startTestServer(options, { dataDir: source, policy });
  port = (first.server.address() as AddressInfo).port;
  try {
    const { id } = await createAccount(first.store.accounts, { username: 'alice', password, phone: '+15555550123', groups: ['staff'] });
    rp = await createRelyingParty(first);
    const agent = new UserAgent(first.issuer);
    const { page: intro, checks } = await signInWithPassword(agent, rp, 'alice', password);
    const { secret, recoveryCodes, done } = await enrollApp(agent, intro, first, rp.redirectUri);
    expect((await rp.finish(done.location!, checks)).claims()).toMatchObject({ sub: id, amr: ['pwd', 'otp', 'mfa'] });
    before = { id, secret, recoveryCodes, agent };

    // Alice's mail app signs in with an app password, through a client registered as legacy.
    const { client } = await registerClient(first.store.clients, { clientId: enrolled.appPassword.clientId, name: 'Mail', legacy: true });
    const created = await createAppPassword(first.store.appPasswords, id, 'Thunderbird');
    if (!created.ok) throw new Error(created.error);
    Object.assign(enrolled.appPassword, { secret: client.secret!, password: created.password });

    enrolled.sms.id = await firstSignIn(first, enrolled.sms.username, { method: 'sms', smsCountry: 'US', smsNumber: numbers.sms.typed },
      async () => ({ code: await newestCode(first, numbers.sms.e164) }));
    enrolled.voice.id = await firstSignIn(first, enrolled.voice.username, { method: 'voice', voiceCountry: 'US', voiceNumber: numbers.voice.typed }, async () => {
      await press(first, (await newestCall(first, numbers.voice.e164)).id, '#');
      return {};
    });
    enrolled.push.id = await firstSignIn(first, enrolled.push.username, { method: 'push' }, async (setup) => {
      const link = /id="activation-link">([^<]+)</.exec(setup.html)![1]!.replace(/&amp;/g, '&');
      const { server, code } = parseActivationLink(link);
      const { account, confirmation } = await activate({ server, code, name: 'Pat phone' });
      enrolled.push.device = account;
      return { code: confirmation };
    });
    const csv = join(tempDir(), 'tokens.csv');
    writeFileSync(csv, oathCsv);
    await createAccount(first.store.accounts, { username: enrolled.oath.username, password });
    expect(await twofold(source, ['oath', 'import', csv])).toMatchObject({ code: 0 });
    enrolled.oath.id = await firstSignIn(first, enrolled.oath.username, { method: 'oath', serial: 'TOTP9001' }, async () => ({ code: await oathCode(first) }));
    enrolled.passkey.key = new SoftwarePasskey(new URL(first.issuer).origin);
    enrolled.passkey.id = await firstSignIn(first, enrolled.passkey.username, { method: 'webauthn' }, async (setup) => ({ response: enrolled.passkey.key.register(pageOptions(setup.html)), label: 'Blue key' }));

    auditBefore = (await first.store.audit.tail({ limit: 1000 })).length;
    credentialsBefore = 0;
    for (const account of await first.store.accounts.list()) credentialsBefore += (await first.store.credentials.list(account.id)).length;
  } finally {
    await first.stop({ keepData: true });
  }
});

test('db export writes every record, secrets still sealed, to a file only its owner can read, never over another', async () => {
  const result = await twofold(source, ['db', 'export', exportFile]);
  expect(result).toMatchObject({ code: 0, err: [] });
  expect(result.out[0]).toMatch(new RegExp(`^exported \\d+ records from .*twofold\\.db to ${exportFile}$`));
  const text = readFileSync(exportFile, 'utf8');
  // The authenticator seed and the phone number are in the file only sealed.
  expect(text).not.toContain(before.secret);
  expect(text).not.toContain('5555550123');
  expect(text).toContain('"table":"credentials"');
  const { statSync } = await import('node:fs');
  expect(statSync(exportFile).mode & 0o777).toBe(0o600);
  await withStore(source, async (store) => {
    expect((await store.audit.tail({ limit: 1 }))[0]).toMatchObject({ type: 'db.export', actor: expect.stringMatching(/^cli:/), reason: expect.stringContaining(exportFile) });
  });
  const again = await twofold(source, ['db', 'export', exportFile]);
  expect(again.code).toBe(1);
  expect(again.err.join('\n')).toContain('it exists already');
});

describe('db import', () => {
  let server: TestServer;
  const target = tempDir();
  beforeAll(async () => {
    // The encryption key (with the signing and cookie keys) is shared configuration: the new
    // store's node gets the same keys file.
    copyFileSync(devKeysFile(source), devKeysFile(target));
    const imported = await twofold(target, ['db', 'import', exportFile]);
    expect(imported.err).toEqual([]);
    expect(imported.code).toBe(0);
    expect(imported.out[0]).toMatch(new RegExp(`^imported \\d+ records into .*: accounts 6, account_groups 1, clients 2, credentials ${credentialsBefore}, `));
    // Same port, so the same issuer: the relying party needs no change.
    server = await startTestServer({ ...options, port }, { dataDir: target, policy });
    // The code used at setup was a step that is now claimed; the next person's code is later.
    server.clock.advance(60_000);
  });
  afterAll(() => server.stop());

  test('the account, its groups, phone, audit log and relying party came over', async () => {
    const account = await server.store.accounts.findByUsername('alice');
    expect(account).toMatchObject({ id: before.id, phone: '+15555550123', groups: ['staff'] });
    expect(await server.store.clients.find(rp.clientId)).toMatchObject({ secret: rp.client.secret, redirectUris: [rp.redirectUri] });
    // Everything audited before, then the import itself, with who ran it.
    const audit = await server.store.audit.tail({ limit: 1000 });
    expect(audit.length).toBe(auditBefore + 1);
    expect(audit.at(-1)).toMatchObject({ type: 'db.import', result: 'info', actor: expect.stringMatching(/^cli:/), reason: expect.stringMatching(/^\d+ records from /) });
  });

  test('a new browser signs in with the authenticator app set up before the move', async () => {
    const agent = new UserAgent(server.issuer);
    const { page, checks } = await signInWithPassword(agent, rp, 'alice', password);
    expect(page.html).toContain('Verify your identity');
    const back = await enterCode(agent, page, await appCode(server, before.secret), rp.redirectUri);
    expect((await rp.finish(back.location!, checks)).claims()).toMatchObject({ sub: before.id, amr: ['pwd', 'otp', 'mfa'], acr: acrMfa });
  });

  test('a recovery code made before the move signs in, and counts the codes left', async () => {
    const agent = new UserAgent(server.issuer);
    const { page, checks } = await signInWithPassword(agent, rp, 'alice', password);
    const options = await agent.follow(new URL('options', `${page.url}/`).href);
    const credential = /name="credential" value="([^"]+)">\s*<button type="submit" class="link">Use a recovery code/.exec(options.html)![1]!;
    const codePage = await agent.submit(options, /\/mfa\/choose$/, { credential }, rp.redirectUri);
    const done = await enterCode(agent, codePage, before.recoveryCodes[1]!, rp.redirectUri);
    expect(noticeText(done.html)).toBe('You used a recovery code. You have 9 left.');
    const back = await agent.submit(done, /\/mfa\/done$/, {}, rp.redirectUri);
    expect((await rp.finish(back.location!, checks)).claims()).toMatchObject({ sub: before.id, amr: ['pwd', 'otp', 'mfa'] });
  });

  /** A new browser past the password, at the page that asks for the person's one method. */
  async function atSecondFactor(username: string) {
    const agent = new UserAgent(server.issuer);
    const { page, checks } = await signInWithPassword(agent, rp, username, password);
    expect(page.html).toContain('<h1>Verify your identity</h1>');
    return { agent, page, checks };
  }
  const tokensFor = async (back: Page, checks: Parameters<RelyingParty['finish']>[1]) => (await rp.finish(back.location!, checks)).claims();

  test('a text message to the number proven before the move signs in', async () => {
    const { agent, page, checks } = await atSecondFactor(enrolled.sms.username);
    expect(page.html).toContain(`We texted a code to <strong>+1 ••• ••• ••${numbers.sms.e164.slice(-2)}</strong>`);
    const back = await enterCode(agent, page, await newestCode(server, numbers.sms.e164), rp.redirectUri);
    expect(await tokensFor(back, checks)).toMatchObject({ sub: enrolled.sms.id, amr: ['pwd', 'sms', 'mfa'] });
  });

  test('a call to the number proven before the move, answered with #, signs in', async () => {
    const { agent, page, checks } = await atSecondFactor(enrolled.voice.username);
    await press(server, (await newestCall(server, numbers.voice.e164)).id, '#');
    const back = await agent.submit(page, /\/mfa\/verify$/, {}, rp.redirectUri);
    expect(await tokensFor(back, checks)).toMatchObject({ sub: enrolled.voice.id, amr: ['pwd', 'tel', 'mfa'] });
  });

  test('the authenticator activated before the move gets the push, and its signed approval signs in', async () => {
    const { agent, page, checks } = await atSecondFactor(enrolled.push.username);
    const number = /id="push-number"[^>]*>(\d{2})</.exec(page.html)![1]!;
    const [request] = await pendingRequests(enrolled.push.device, { now: server.clock.now });
    expect(await answer(enrolled.push.device, request!.id, 'approve', number)).toBe('approved');
    const back = await agent.submit(page, /\/mfa\/verify$/, {}, rp.redirectUri);
    expect(await tokensFor(back, checks)).toMatchObject({ sub: enrolled.push.id, amr: ['pwd', 'swk', 'mfa'] });
  });

  test('the hardware token activated before the move signs in with its next code', async () => {
    const { agent, page, checks } = await atSecondFactor(enrolled.oath.username);
    const back = await enterCode(agent, page, await oathCode(server), rp.redirectUri);
    expect(await tokensFor(back, checks)).toMatchObject({ sub: enrolled.oath.id, amr: ['pwd', 'hwk', 'otp', 'mfa'] });
  });

  test('the passkey registered before the move signs in, as the second step and without a password', async () => {
    const { agent, page, checks } = await atSecondFactor(enrolled.passkey.username);
    const back = await agent.submit(page, /\/mfa\/verify$/, { response: enrolled.passkey.key.assert(pageOptions(page.html)) }, rp.redirectUri);
    expect(await tokensFor(back, checks)).toMatchObject({ sub: enrolled.passkey.id, amr: expect.arrayContaining(['pwd', 'mfa']) });

    const passwordless = new UserAgent(server.issuer);
    const { url, checks: again } = await rp.begin();
    const login = await passwordless.follow(url, rp.redirectUri);
    const signedIn = await passwordless.submit(login, /\/passkey$/, { response: enrolled.passkey.key.assert(pageOptions(login.html)) }, rp.redirectUri);
    expect(await tokensFor(signedIn, again)).toMatchObject({ sub: enrolled.passkey.id });
  });

  test('the app password made before the move signs the legacy mail app in; the account password does not', async () => {
    const mail = await oidc.discovery(new URL(server.issuer), enrolled.appPassword.clientId, {}, oidc.ClientSecretBasic(enrolled.appPassword.secret), { execute: [oidc.allowInsecureRequests] });
    const grant = (secret: string) => oidc.genericGrantRequest(mail, 'password', { username: 'alice', password: secret, scope: 'openid' });
    expect((await grant(enrolled.appPassword.password)).claims()).toMatchObject({ sub: before.id });
    await expect(grant(password)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  test('the browser signed in before the move is still signed in: sessions came over', async () => {
    const { url, checks } = await rp.begin({ prompt: 'none' });
    const back = await before.agent.follow(url, rp.redirectUri);
    expect(back.location).toContain('code=');
    expect((await rp.finish(back.location!, checks)).claims()).toMatchObject({ sub: before.id });
  });

  test('a second import into the same store is refused and changes nothing', async () => {
    const accounts = (await server.store.accounts.list()).length;
    const again = await twofold(target, ['db', 'import', exportFile]);
    expect(again.code).toBe(1);
    expect(again.err).toEqual([expect.stringMatching(/already holds data: import only into an empty store$/), 'nothing was imported']);
    expect((await server.store.accounts.list()).length).toBe(accounts);
  });
});

describe('db import refuses', () => {
  const isEmpty = async (dataDir: string) => {
    let empty = false;
    await withStore(dataDir, async (store) => {
      empty = (await store.accounts.list()).length === 0 && (await store.clients.list()).length === 0;
    });
    return empty;
  };

  test('an export made with another encryption key, saying why, and writes nothing', async () => {
    const elsewhere = tempDir();
    const result = await twofold(elsewhere, ['db', 'import', exportFile]);
    expect(result.code).toBe(1);
    expect(result.err[0]).toContain('was exported with a different TWOFOLD_ENCRYPTION_KEY');
    expect(await isEmpty(elsewhere)).toBe(true);
  });

  test('a file cut off, or with a column no table has, naming the line, and writes nothing', async () => {
    const lines = readFileSync(exportFile, 'utf8').trimEnd().split('\n');
    const target = tempDir();
    copyFileSync(devKeysFile(source), devKeysFile(target));
    const cut = join(target, 'cut.jsonl');
    writeFileSync(cut, `${lines.slice(0, -1).join('\n')}\n`);
    const cutResult = await twofold(target, ['db', 'import', cut]);
    expect(cutResult.code).toBe(1);
    expect(cutResult.err[0]).toContain('has no closing line: it was cut off');

    const forged = join(target, 'forged.jsonl');
    const accountLine = lines.findIndex((line) => line.startsWith('{"table":"accounts"'));
    const row = JSON.parse(lines[accountLine]!) as { row: Record<string, unknown> };
    lines[accountLine] = JSON.stringify({ table: 'accounts', row: { ...row.row, 'password_hash) VALUES (1); --': 'x' } });
    writeFileSync(forged, `${lines.join('\n')}\n`);
    const forgedResult = await twofold(target, ['db', 'import', forged]);
    expect(forgedResult.code).toBe(1);
    expect(forgedResult.err[0]).toBe(`error: ${forged}:${accountLine + 1}: accounts has no column 'password_hash) VALUES (1); --'`);
    expect(await isEmpty(target)).toBe(true);
  });

  test('a file the store cannot take (the same account twice) in one transaction: nothing is written', async () => {
    const lines = readFileSync(exportFile, 'utf8').trimEnd().split('\n');
    const target = tempDir();
    copyFileSync(devKeysFile(source), devKeysFile(target));
    const accountLine = lines.findIndex((line) => line.startsWith('{"table":"accounts"'));
    const end = JSON.parse(lines.at(-1)!) as { counts: Record<string, number> };
    end.counts.accounts! += 1;
    const twice = [...lines.slice(0, accountLine + 1), lines[accountLine]!, ...lines.slice(accountLine + 1, -1), JSON.stringify(end)];
    const file = join(target, 'twice.jsonl');
    writeFileSync(file, `${twice.join('\n')}\n`);
    const result = await twofold(target, ['db', 'import', file]);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([expect.stringMatching(/twofold\.db refused a record: UNIQUE constraint failed: accounts\.(id|username)$/), 'nothing was imported']);
    expect(await isEmpty(target)).toBe(true);

    const row = JSON.parse(lines[accountLine]!) as { row: Record<string, unknown> };
    delete row.row.username;
    const lacking = join(target, 'lacking.jsonl');
    writeFileSync(lacking, `${[...lines.slice(0, accountLine), JSON.stringify(row), ...lines.slice(accountLine + 1)].join('\n')}\n`);
    const lackingResult = await twofold(target, ['db', 'import', lacking]);
    expect(lackingResult.err[0]).toBe(`error: ${lacking}:${accountLine + 1}: accounts row lacks 'username'`);
    expect(await isEmpty(target)).toBe(true);
  });
});

test('db migrate on SQLite says the file is brought up to date whenever it is opened; a wrong db command line is a usage error', async () => {
  const dataDir = tempDir();
  const migrate = await twofold(dataDir, ['db', 'migrate']);
  expect(migrate).toMatchObject({ code: 0, out: [expect.stringMatching(/twofold\.db: up to date \(SQLite migrates whenever Twofold opens it\)$/)] });
  for (const argv of [['db'], ['db', 'export'], ['db', 'import', 'a', 'b'], ['db', 'drop']]) {
    const result = await twofold(dataDir, argv);
    expect([argv.join(' '), result.code]).toEqual([argv.join(' '), 2]);
    expect(result.err[0]).toMatch(/^error: db/);
  }
  const missing = await twofold(dataDir, ['db', 'import', join(dataDir, 'no-such-file.jsonl')]);
  expect(missing).toMatchObject({ code: 1, err: [expect.stringContaining('no file')] });
});

test('with MONGODB_URI on an address where no MongoDB answers, db migrate and every other command say so, without the password', async () => {
  const dataDir = tempDir();
  const keys = {
    MONGODB_URI: 'mongodb://twofold:hunter2-secret@127.0.0.1:9/twofold?serverSelectionTimeoutMS=300',
    TWOFOLD_COOKIE_KEYS: 'c'.repeat(32), TWOFOLD_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    TWOFOLD_SIGNING_KEYS_FILE: join(dataDir, 'signing-keys.json'),
  };
  expect((await twofold(dataDir, ['keys', 'generate', '--jwks-out', keys.TWOFOLD_SIGNING_KEYS_FILE])).code).toBe(0);
  for (const argv of [['db', 'migrate'], ['user', 'list'], ['db', 'export', join(dataDir, 'out.jsonl')]]) {
    const result = await twofold(dataDir, argv, '', keys);
    expect([argv.join(' '), result.code]).toEqual([argv.join(' '), 1]);
    expect(result.err[0]).toMatch(/^error: cannot reach MongoDB at mongodb:\/\/127\.0\.0\.1:9\/twofold: /);
    expect(result.err.join('\n')).not.toContain('hunter2');
  }
});
