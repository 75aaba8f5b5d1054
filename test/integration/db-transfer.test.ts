// `twofold db export` / `twofold db import`: everything moves from one store to a fresh one
// (SQLite to SQLite here; the same rows go to and from MongoDB), and people sign in afterwards
// with the methods they set up before, with openid-client as the relying party.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAccount } from '../../src/accounts/createAccount.js';
import { devKeysFile } from '../../src/config/keys.js';
import { acrMfa } from '../../src/provider/acr.js';
import { twofold } from '../helpers/cli.js';
import { appCode, enrollApp, enterCode } from '../helpers/mfa.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policies, startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { withStore } from '../helpers/storeAccess.js';
import { noticeText, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
const source = tempDir();
const exportFile = join(tempDir(), 'twofold-export.jsonl');
let rp: RelyingParty;
let port: number;
let before: { id: string; secret: string; recoveryCodes: string[]; agent: UserAgent };
let auditBefore: number;

beforeAll(async () => {
  const first = await startTestServer({}, { dataDir: source, policy: policies.mfaWithRecovery });
  port = (first.server.address() as AddressInfo).port;
  try {
    const { id } = await createAccount(first.store.accounts, { username: 'alice', password, phone: '+15555550123', groups: ['staff'] });
    rp = await createRelyingParty(first);
    const agent = new UserAgent(first.issuer);
    const { page: intro, checks } = await signInWithPassword(agent, rp, 'alice', password);
    const { secret, recoveryCodes, done } = await enrollApp(agent, intro, first, rp.redirectUri);
    expect((await rp.finish(done.location!, checks)).claims()).toMatchObject({ sub: id, amr: ['pwd', 'otp', 'mfa'] });
    before = { id, secret, recoveryCodes, agent };
    auditBefore = (await first.store.audit.tail({ limit: 1000 })).length;
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
    expect(imported.out[0]).toMatch(/^imported \d+ records into .*: accounts 1, account_groups 1, clients 1, credentials 2, /);
    // Same port, so the same issuer: the relying party needs no change.
    server = await startTestServer({ port }, { dataDir: target, policy: policies.mfaWithRecovery });
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
