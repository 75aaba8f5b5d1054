// The `twofold` command: every command validates its input, says what is wrong, and
// leaves nothing half-written.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { twofold } from '../helpers/cli.js';
import { tempDir } from '../helpers/server.js';

let dataDir: string;
beforeEach(() => {
  dataDir = tempDir();
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const userList = async () => (await twofold(dataDir, ['user', 'list'])).out;
const clientList = async () => (await twofold(dataDir, ['client', 'list'])).out;

describe('twofold user', () => {
  test('adds a user from stdin, lists, disables, enables and sets a new password', async () => {
    const added = await twofold(dataDir, ['user', 'add', 'Alice', '--password-stdin', '--name', 'Alice Liddell', '--email', 'alice@example.com', '--phone', '+1 555 444 5555', '--group', 'staff', '--group', 'admins'], 'correct horse battery\n');
    expect(added).toMatchObject({ code: 0, err: [] });
    expect(added.out[0]).toMatch(/^added user 'alice' \(id [0-9a-f-]{36}\)$/);
    expect(await userList()).toEqual([
      'USERNAME  NAME           EMAIL              GROUPS        STATUS',
      'alice     Alice Liddell  alice@example.com  admins,staff  active',
    ]);
    expect(await twofold(dataDir, ['user', 'disable', 'ALICE'])).toMatchObject({ code: 0, out: ["disabled user 'alice'"] });
    expect((await userList())[1]).toMatch(/disabled$/);
    expect(await twofold(dataDir, ['user', 'enable', 'alice'])).toMatchObject({ code: 0, out: ["enabled user 'alice'"] });
    expect(await twofold(dataDir, ['user', 'set-password', 'alice', '--password-stdin'], 'another good password\n')).toMatchObject({ code: 0 });
  });

  test('records verified email and phone at add, changes them with update, and audits who did it', async () => {
    const { withStore } = await import('../helpers/storeAccess.js');
    expect((await twofold(dataDir, ['user', 'add', 'alice', '--password-stdin', '--email', 'alice@example.com', '--email-verified', '--phone', '+1 555 444 5555'], 'correct horse battery')).code).toBe(0);
    const profile = async () => {
      let found;
      await withStore(dataDir, async (store) => {
        found = await store.accounts.findByUsername('alice');
      });
      return found;
    };
    expect(await profile()).toMatchObject({ email: 'alice@example.com', emailVerified: true, phone: '+15554445555', phoneVerified: false });
    expect(await twofold(dataDir, ['user', 'update', 'alice', '--phone-verified'])).toMatchObject({
      code: 0, out: ["updated user 'alice': email alice@example.com (verified), phone +15554445555 (verified)"],
    });
    // A new address is not verified until someone says so.
    expect((await twofold(dataDir, ['user', 'update', 'alice', '--email', 'new@example.com', '--name', 'Alice L.'])).out).toEqual([
      "updated user 'alice': email new@example.com (not verified), phone +15554445555 (verified)",
    ]);
    expect(await profile()).toMatchObject({ displayName: 'Alice L.', email: 'new@example.com', emailVerified: false });
    expect((await twofold(dataDir, ['user', 'update', 'alice', '--phone', ''])).out).toEqual(["updated user 'alice': email new@example.com (not verified), phone (none)"]);
    await withStore(dataDir, async (store) => {
      const events = (await store.audit.tail({ limit: 10 })).filter((e) => e.type === 'user.update');
      expect(events.map((e) => [e.username, e.reason, e.actor])).toEqual([
        ['alice', 'changed phone verified', expect.stringMatching(/^cli:/)],
        ['alice', 'changed display name, email', expect.stringMatching(/^cli:/)],
        ['alice', 'changed phone', expect.stringMatching(/^cli:/)],
      ]);
    });
  });

  test.each([
    [['user', 'update', 'alice', '--email', 'nope'], 1, 'error: email: must be an email address such as alice@example.com'],
    [['user', 'update', 'alice', '--phone-verified'], 1, 'error: phone: there is no phone number to verify: give --phone'],
    [['user', 'update', 'alice', '--email-verified', '--email-unverified'], 2, 'error: user update: give --email-verified or --email-unverified, not both'],
    [['user', 'update', 'alice'], 2, 'error: user update: nothing to change: give the fields to change'],
    [['user', 'update', 'nobody', '--email-verified'], 1, "error: user update: there is no user 'nobody'"],
    [['user', 'add', 'carol', '--password-stdin', '--phone-verified'], 2, 'error: user add: --phone-verified needs --phone'],
  ])('refuses %j and changes nothing', async (argv, code, message) => {
    await twofold(dataDir, ['user', 'add', 'alice', '--password-stdin', '--email', 'alice@example.com'], 'correct horse battery');
    const before = await userList();
    const refused = await twofold(dataDir, argv as string[], 'correct horse battery');
    expect(refused.code).toBe(code);
    expect(refused.err[0]).toBe(message);
    expect(await userList()).toEqual(before);
  });

  test('--password works but warns that it is visible to others', async () => {
    const added = await twofold(dataDir, ['user', 'add', 'bob', '--password', 'correct horse battery']);
    expect(added.code).toBe(0);
    expect(added.err).toEqual(['warning: --password is visible to other users of this machine; prefer --password-stdin']);
  });

  test('refuses bad fields, all named at once, and writes nothing', async () => {
    const refused = await twofold(dataDir, ['user', 'add', 'bad name!', '--email', 'not-an-email', '--phone', '555-1234', '--group', 'ok', '--group', 'no spaces', '--password-stdin'], 'short');
    expect(refused.code).toBe(1);
    expect(refused.err).toEqual([
      'error: username: must be 1 to 64 characters: letters, digits and . _ @ + - (starting with a letter or digit)',
      'error: email: must be an email address such as alice@example.com',
      'error: phone: must be an international number starting with + and the country code, such as +1 555 444 5555',
      'error: groups 2: must be 1 to 64 characters: letters, digits and . _ -',
      'error: password: a password must have at least 8 characters',
    ]);
    expect(await userList()).toEqual(['no users']);
  });

  test('refuses a duplicate username in any case and keeps the first account', async () => {
    await twofold(dataDir, ['user', 'add', 'alice', '--password-stdin', '--name', 'First'], 'correct horse battery');
    const duplicate = await twofold(dataDir, ['user', 'add', 'ALICE', '--password-stdin', '--name', 'Second'], 'correct horse battery');
    expect(duplicate).toMatchObject({ code: 1, err: ["error: account 'alice' already exists"] });
    expect((await userList()).slice(1)).toEqual([expect.stringMatching(/^alice +First /)]);
  });

  test('says exactly what is wrong with the command line', async () => {
    expect(await twofold(dataDir, ['user', 'add', 'carol'])).toMatchObject({ code: 2, err: expect.arrayContaining(['error: user add: a password is required: pipe it in with --password-stdin']) });
    expect((await twofold(dataDir, ['user', 'add', 'carol', '--pasword-stdin'])).err[0]).toBe("error: user add: Unknown option '--pasword-stdin'");
    expect((await twofold(dataDir, ['user', 'disable'])).err[0]).toBe('error: user disable: expects <username>, got none');
    expect((await twofold(dataDir, ['user', 'disable', 'nobody'])).err).toEqual(["error: user disable: there is no user 'nobody'"]);
    expect((await twofold(dataDir, ['user', 'set-password', 'nobody', '--password-stdin'], 'long enough pw')).err).toEqual(["error: user set-password: there is no user 'nobody'"]);
    expect((await twofold(dataDir, ['frobnicate'])).err[0]).toBe("error: unknown command 'frobnicate'");
  });
});

describe('twofold client', () => {
  test('adds a confidential client with a generated secret shown once, and a public one without', async () => {
    const added = await twofold(dataDir, ['client', 'add', 'web', '--redirect-uri', 'https://app.example.com/cb', '--name', 'Web App', '--first-party']);
    expect(added.code).toBe(0);
    expect(added.out[0]).toBe("added confidential client 'web'");
    expect(added.out[1]).toMatch(/^client secret: [A-Za-z0-9_-]{43}$/);
    const spa = await twofold(dataDir, ['client', 'add', 'spa', '--public', '--redirect-uri', 'http://localhost:5173/cb', '--redirect-uri', 'com.example.app:/callback']);
    expect(spa.out).toEqual(["added public client 'spa'"]);
    expect(await clientList()).toEqual([
      'spa',
      '  type:                       public, none',
      '  first party:                no',
      '  grants:                     authorization_code refresh_token',
      '  pkce:                       required',
      '  id token alg:               RS256',
      '  redirect URIs:              http://localhost:5173/cb com.example.app:/callback',
      '  post-logout redirect URIs:  (none)',
      '  back-channel logout URI:    (none)',
      '',
      'web  "Web App"',
      '  type:                       confidential, client_secret_basic',
      '  first party:                yes (no consent page)',
      '  grants:                     authorization_code refresh_token',
      '  pkce:                       required',
      '  id token alg:               RS256',
      '  redirect URIs:              https://app.example.com/cb',
      '  post-logout redirect URIs:  (none)',
      '  back-channel logout URI:    (none)',
    ]);
    expect(await twofold(dataDir, ['client', 'remove', 'spa'])).toMatchObject({ code: 0, out: ["removed client 'spa'"] });
    expect(await twofold(dataDir, ['client', 'remove', 'spa'])).toMatchObject({ code: 1, err: ["error: client remove: there is no client 'spa'"] });
  });

  test('takes a given secret from stdin, and refuses a short one', async () => {
    expect((await twofold(dataDir, ['client', 'add', 'api', '--secret-stdin', '--redirect-uri', 'https://api.example.com/cb'], 'x'.repeat(40))).out).toEqual(["added confidential client 'api'"]);
    expect((await twofold(dataDir, ['client', 'add', 'api2', '--secret-stdin', '--redirect-uri', 'https://api.example.com/cb'], 'short')).err).toEqual(['error: secret: must have at least 32 characters']);
  });

  test.each([
    [['client', 'add', 'web'], 'error: redirect URI: at least one redirect URI is required (--redirect-uri)'],
    [['client', 'add', 'web', '--redirect-uri', 'http://app.example.com/cb'], 'error: redirect URI 1: must be an absolute https URL without a fragment (http is allowed only for localhost; native apps may use a reverse-domain scheme such as com.example.app:/callback)'],
    [['client', 'add', 'web', '--redirect-uri', 'https://ok.example.com/cb', '--redirect-uri', 'https://app.example.com/cb#frag'], 'error: redirect URI 2: must be an absolute https URL without a fragment (http is allowed only for localhost; native apps may use a reverse-domain scheme such as com.example.app:/callback)'],
    [['client', 'add', 'web', '--redirect-uri', 'not a url'], 'error: redirect URI 1: must be an absolute https URL without a fragment (http is allowed only for localhost; native apps may use a reverse-domain scheme such as com.example.app:/callback)'],
    [['client', 'add', 'has.dot', '--redirect-uri', 'https://app.example.com/cb'], 'error: clientId: must be 1 to 64 characters: letters, digits, _ and -'],
    [['client', 'add', 'web', '--public', '--secret', 'x'.repeat(40), '--redirect-uri', 'https://app.example.com/cb'], 'error: secret: a public client has no secret: drop the secret or --public'],
  ])('refuses a malformed registration %j and writes nothing', async (argv, message) => {
    const refused = await twofold(dataDir, argv);
    expect(refused.code).toBe(1);
    expect(refused.err.filter((line) => line.startsWith('error:'))).toEqual([message]);
    expect(await clientList()).toEqual(['no clients']);
  });

  test('refuses a duplicate client id and keeps the first registration', async () => {
    await twofold(dataDir, ['client', 'add', 'web', '--redirect-uri', 'https://one.example.com/cb']);
    expect(await twofold(dataDir, ['client', 'add', 'web', '--redirect-uri', 'https://two.example.com/cb'])).toMatchObject({ code: 1, err: ["error: client 'web' already exists"] });
    expect(await clientList()).toContain('  redirect URIs:              https://one.example.com/cb');
  });

  test('update changes URIs, name, first party and options in place, keeps the secret, and audits who did it', async () => {
    const added = await twofold(dataDir, ['client', 'add', 'web', '--redirect-uri', 'https://app.example.com/cb', '--name', 'Web App']);
    const secret = added.out[1]!.replace('client secret: ', '');
    const updated = await twofold(dataDir, ['client', 'update', 'web', '--redirect-uri', 'https://app.example.com/cb', '--redirect-uri', 'https://new.example.com/cb',
      '--post-logout-redirect-uri', 'https://new.example.com/', '--name', 'New Name', '--first-party', '--pkce', 'optional', '--id-token-alg', 'ES256',
      '--auth-method', 'client_secret_post', '--backchannel-logout-uri', 'https://new.example.com/logout', '--backchannel-logout-session-required']);
    expect(updated).toMatchObject({ code: 0, err: [] });
    expect(updated.out).toEqual([
      "updated client 'web':",
      '  name: Web App -> New Name',
      '  firstParty: false -> true',
      '  redirectUris: https://app.example.com/cb -> https://app.example.com/cb https://new.example.com/cb',
      '  postLogoutRedirectUris: (none) -> https://new.example.com/',
      '  authMethod: client_secret_basic -> client_secret_post',
      '  pkce: required -> optional',
      '  idTokenAlg: RS256 -> ES256',
      '  backchannelLogoutUri: (none) -> https://new.example.com/logout',
      '  backchannelLogoutSessionRequired: false -> true',
    ]);
    expect(await clientList()).toEqual([
      'web  "New Name"',
      '  type:                       confidential, client_secret_post',
      '  first party:                yes (no consent page)',
      '  grants:                     authorization_code refresh_token',
      '  pkce:                       optional',
      '  id token alg:               ES256',
      '  redirect URIs:              https://app.example.com/cb https://new.example.com/cb',
      '  post-logout redirect URIs:  https://new.example.com/',
      '  back-channel logout URI:    https://new.example.com/logout (session required)',
    ]);
    const { withStore } = await import('../helpers/storeAccess.js');
    await withStore(dataDir, async (store) => {
      expect((await store.clients.find('web'))?.secret).toBe(secret);
      const events = await store.audit.tail({ limit: 10 });
      expect(events.map((e) => [e.type, e.clientId, e.actor])).toEqual([
        ['client.add', 'web', expect.stringMatching(/^cli:.+/)],
        ['client.update', 'web', expect.stringMatching(/^cli:.+/)],
      ]);
      expect(events[1]!.reason).toContain('pkce: required -> optional');
    });
    expect((await twofold(dataDir, ['audit', 'tail'])).out[1]).toMatch(/ client\.update ok client=web reason=".*" by=cli:\S+$/);

    // Clearing: '' empties a list or removes a URI; --no-first-party turns consent back on.
    expect((await twofold(dataDir, ['client', 'update', 'web', '--post-logout-redirect-uri', '', '--backchannel-logout-uri', '', '--no-backchannel-logout-session-required', '--no-first-party'])).code).toBe(0);
    expect(await clientList()).toEqual(expect.arrayContaining(['  first party:                no', '  post-logout redirect URIs:  (none)', '  back-channel logout URI:    (none)']));
    expect(await twofold(dataDir, ['client', 'update', 'web', '--pkce', 'optional'])).toMatchObject({ code: 0, out: ["client 'web' already has these settings: nothing changed"] });
    expect((await twofold(dataDir, ['audit', 'tail'])).out).toHaveLength(3);
  });

  test.each([
    [['client', 'update', 'nobody', '--name', 'x'], 1, "error: client update: there is no client 'nobody'"],
    [['client', 'update', 'web'], 2, 'error: client update: nothing to change: give the options to change'],
    [['client', 'update', 'web', '--redirect-uri', 'http://app.example.com/cb'], 1, 'error: redirect URI 1: must be an absolute https URL without a fragment (http is allowed only for localhost; native apps may use a reverse-domain scheme such as com.example.app:/callback)'],
    [['client', 'update', 'web', '--auth-method', 'none'], 1, "error: auth method: 'none' is for public clients: use --public"],
    [['client', 'update', 'web', '--auth-method', 'private_key_jwt'], 1, "error: auth method: private_key_jwt needs the client's public keys: --jwks-uri or --jwks-file"],
    [['client', 'update', 'web', '--auth-method', 'magic'], 1, 'error: auth method: must be one of client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt, none'],
    [['client', 'update', 'web', '--pkce', 'sometimes'], 1, 'error: pkce: must be required or optional'],
    [['client', 'update', 'web', '--id-token-alg', 'HS256'], 1, 'error: id token alg: must be one of RS256, ES256'],
    [['client', 'update', 'web', '--grant', 'implicit'], 1, 'error: grant 1: must be one of authorization_code, client_credentials'],
    [['client', 'update', 'web', '--grant', 'client_credentials'], 1, 'error: redirect URI: only a client with the authorization_code grant signs people in and has redirect URIs'],
    [['client', 'update', 'web', '--backchannel-logout-uri', 'http://rp.example.com/logout'], 1, 'error: back-channel logout URI: must be an absolute https URL without a fragment (http is allowed only for localhost)'],
    [['client', 'update', 'web', '--backchannel-logout-session-required'], 1, 'error: back-channel logout session required: needs --backchannel-logout-uri'],
    [['client', 'update', 'web', '--jwks-uri', 'https://rp.example.com/jwks'], 1, 'error: jwks URI: keys are used only with --auth-method private_key_jwt'],
    [['client', 'update', 'web', '--first-party', '--no-first-party'], 2, 'error: client update: give --first-party or --no-first-party, not both'],
    [['client', 'update', 'spa', '--pkce', 'optional'], 1, 'error: pkce: a public client must use PKCE: it is the only proof that the code reached the app that asked for it'],
    [['client', 'update', 'spa', '--grant', 'authorization_code', '--grant', 'client_credentials'], 1, 'error: grant: client_credentials needs a confidential client: a public one cannot authenticate'],
  ])('update refuses %j, says why, and changes nothing', async (argv, code, message) => {
    await twofold(dataDir, ['client', 'add', 'web', '--redirect-uri', 'https://app.example.com/cb']);
    await twofold(dataDir, ['client', 'add', 'spa', '--public', '--redirect-uri', 'https://spa.example.com/cb']);
    const before = await clientList();
    const refused = await twofold(dataDir, argv as string[]);
    expect(refused.code).toBe(code);
    expect(refused.err.filter((line) => line.startsWith('error:'))).toEqual([message]);
    expect(await clientList()).toEqual(before);
    expect((await twofold(dataDir, ['audit', 'tail'])).out.filter((line) => line.includes('client.update'))).toEqual([]);
  });

  test('a service client gets the client_credentials grant and no redirect URIs; keys come from a file or a URL, public keys only', async () => {
    const service = await twofold(dataDir, ['client', 'add', 'reports', '--grant', 'client_credentials']);
    expect(service.out[0]).toBe("added confidential client 'reports'");
    expect(await clientList()).toEqual(expect.arrayContaining(['  grants:                     client_credentials', '  redirect URIs:              (none)']));

    const { generateKeyPairSync } = await import('node:crypto');
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(`${dataDir}/public.json`, JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1' }] }));
    writeFileSync(`${dataDir}/private.json`, JSON.stringify({ keys: [privateKey.export({ format: 'jwk' })] }));
    writeFileSync(`${dataDir}/broken.json`, '{"keys": [');
    const keyed = await twofold(dataDir, ['client', 'add', 'signed', '--redirect-uri', 'https://signed.example.com/cb', '--auth-method', 'private_key_jwt', '--jwks-file', `${dataDir}/public.json`]);
    // A client that signs with its own key has no secret to show.
    expect(keyed.out).toEqual(["added confidential client 'signed'"]);
    expect(await clientList()).toContain('  keys:                       1 in a JWK Set');
    expect((await twofold(dataDir, ['client', 'update', 'signed', '--jwks-uri', 'https://signed.example.com/jwks'])).code).toBe(0);
    expect(await clientList()).toContain('  keys:                       https://signed.example.com/jwks');
    expect((await twofold(dataDir, ['client', 'add', 'leaky', '--redirect-uri', 'https://l.example.com/cb', '--auth-method', 'private_key_jwt', '--jwks-file', `${dataDir}/private.json`])).err)
      .toEqual(['error: jwks: key 1 is a private or secret key: give only the public keys']);
    expect((await twofold(dataDir, ['client', 'add', 'leaky', '--redirect-uri', 'https://l.example.com/cb', '--auth-method', 'private_key_jwt', '--jwks-file', `${dataDir}/broken.json`])).err)
      .toEqual([`error: jwks file: '${dataDir}/broken.json' is not JSON: give a JWK Set such as {"keys": [...]}`]);
    expect((await twofold(dataDir, ['client', 'add', 'leaky', '--redirect-uri', 'https://l.example.com/cb', '--auth-method', 'private_key_jwt', '--jwks-file', `${dataDir}/missing.json`])).err)
      .toEqual([`error: jwks file: cannot read '${dataDir}/missing.json' (ENOENT)`]);
    expect((await twofold(dataDir, ['client', 'add', 'pub', '--public', '--grant', 'client_credentials'])).err)
      .toEqual(['error: grant: client_credentials needs a confidential client: a public one cannot authenticate']);
    // Switching to a method that uses a secret makes one, shown once.
    const switched = await twofold(dataDir, ['client', 'update', 'signed', '--auth-method', 'client_secret_jwt']);
    expect(switched.out).toContain('  secret: generated');
    expect(switched.out.find((line) => line.startsWith('client secret: '))).toMatch(/^client secret: [A-Za-z0-9_-]{43}$/);
    expect(await clientList()).not.toContain('  keys:                       https://signed.example.com/jwks');
  });

  test('an unknown flag is a usage error that shows the client commands', async () => {
    const wrong = await twofold(dataDir, ['client', 'add', 'web', '--redirect', 'https://app.example.com/cb']);
    expect(wrong.code).toBe(2);
    expect(wrong.err[0]).toBe("error: client add: Unknown option '--redirect'");
    expect(wrong.err).toContain('usage:');
    expect(wrong.err.some((line) => line.includes('twofold user'))).toBe(false);
    expect(await clientList()).toEqual(['no clients']);
  });
});

test('a bad configuration is reported before any command runs', async () => {
  expect(await twofold(dataDir, ['user', 'list'], '', { PORT: 'x' })).toEqual({
    code: 1, out: [], err: ["error: PORT (option 'port') must be an integer from 0 to 65535 but is 'x'"],
  });
});

describe('twofold policy', () => {
  const examples = 'policies/examples/office-and-contractors';

  test('explain prints the decision, the rule with its place, and why earlier rules did not match', async () => {
    await twofold(dataDir, ['user', 'add', 'carl', '--group', 'contractors', '--password-stdin'], 'correct horse battery');
    const explained = await twofold(dataDir, ['policy', 'explain', '--user', 'carl', '--client', 'wiki', '--ip', '198.51.100.7'], '', { TWOFOLD_POLICIES: examples });
    expect(explained.code).toBe(0);
    expect(explained.out).toEqual([
      'decision:    a second factor is required (mfa)',
      expect.stringMatching(/^rule: {8}contractors \(.*office-and-contractors\/policy\.yaml:25:5\)$/),
      'methods:     push, webauthn',
      'strength:    any',
      'remember:    never',
      'enrollment:  required',
      'trace:',
      "  skip   former employee: user 'carl' is not one of 'mallory'",
      "  skip   payroll needs a passkey: client 'wiki' is not one of 'payroll'",
      '  skip   office network: 198.51.100.7 is not in 203.0.113.0/24, 2001:db8:abcd::/48',
      "  match  contractors: in group 'contractors'",
    ]);
    expect(explained.err).toEqual(["note: there is no client 'wiki'; explaining anyway"]);
  });

  test('explain takes the acr by name and asks about people not yet added by their groups', async () => {
    const explained = await twofold(dataDir, ['policy', 'explain', '--user', 'newbie', '--group', 'staff', '--client', 'wiki', '--ip', '203.0.113.5', '--acr', 'mfa'], '', { TWOFOLD_POLICIES: examples });
    expect(explained.out).toContain('floor:       mfa (asked by the application)');
    expect(explained.out[0]).toBe('decision:    a second factor is required (mfa)');
    expect(await twofold(dataDir, ['policy', 'explain', '--user', 'newbie', '--client', 'wiki'], '', { TWOFOLD_POLICIES: examples })).toMatchObject({
      code: 1, err: ["error: policy explain: there is no user 'newbie' (give --group to ask about someone not yet added)"],
    });
  });

  test('test runs the expectations and fails, naming the mismatch, when the policy disagrees', async () => {
    expect(await twofold(dataDir, ['policy', 'test', '--dir', examples])).toMatchObject({ code: 0, out: expect.arrayContaining(['8 passed, 0 failed']) });
    const copy = `${dataDir}/policies`;
    cpSync(examples, copy, { recursive: true });
    writeFileSync(`${copy}/policy.yaml`, readFileSync(`${examples}/policy.yaml`, 'utf8').replace('require: none', 'require: mfa'));
    const failed = await twofold(dataDir, ['policy', 'test', '--dir', copy]);
    expect(failed.code).toBe(1);
    expect(failed.out).toContain('FAIL  staff in the office sign in with a password');
    expect(failed.out).toContainEqual(expect.stringMatching(/^ {8}expected require "none" but got "mfa" \(rule 'office network', .*expectations\.yaml:\d+:\d+\)$/));
    expect(failed.out.at(-1)).toBe('6 passed, 2 failed');
  });

  test('an invalid policy is reported with file and line, and nothing runs', async () => {
    mkdirSync(`${dataDir}/bad/tests`, { recursive: true });
    writeFileSync(`${dataDir}/bad/policy.yaml`, 'version: 1\ndefaults:\n  require: sometimes\n');
    expect(await twofold(dataDir, ['policy', 'test', '--dir', `${dataDir}/bad`])).toEqual({
      code: 1, out: [], err: [`error: policy: ${dataDir}/bad/policy.yaml:3:12: defaults: require must be one of none, mfa, block but is 'sometimes'`],
    });
  });
});

describe('twofold audit and unlock', () => {
  test('audit tail prints sign-in events, for everyone or one user, and unlock clears a lockout', async () => {
    const { withStore } = await import('../helpers/storeAccess.js');
    await twofold(dataDir, ['user', 'add', 'alice', '--password-stdin'], 'correct horse battery');
    await withStore(dataDir, async (store) => {
      const alice = (await store.accounts.findByUsername('alice'))!;
      await store.audit.append({ at: Date.UTC(2026, 10, 22, 9, 30), type: 'mfa.verify', result: 'fail', accountId: alice.id, username: 'alice', clientId: 'wiki', ip: '198.51.100.7', method: 'totp', rule: 'defaults', reason: 'wrong_code' });
      await store.audit.append({ at: Date.UTC(2026, 10, 22, 9, 31), type: 'password', result: 'ok', accountId: 'someone-else', username: 'bob' });
      await store.attempts.update(`mfa:${alice.id}`, () => ({ failures: 100, locks: 9, lockedUntil: null, permanent: true }));
    });
    expect((await twofold(dataDir, ['audit', 'tail'])).out).toEqual([
      expect.stringMatching(/^\S+ user\.add ok user=alice by=cli:\S+$/),
      '2026-11-22T09:30:00.000Z mfa.verify fail user=alice client=wiki method=totp rule="defaults" ip=198.51.100.7 reason="wrong_code"',
      '2026-11-22T09:31:00.000Z password ok user=bob',
    ]);
    expect((await twofold(dataDir, ['audit', 'tail', '--user', 'alice', '--lines', '5'])).out).toHaveLength(2);
    expect((await twofold(dataDir, ['audit', 'tail', '--lines', 'lots'])).err[0]).toBe("error: audit tail: --lines must be a whole number from 1 to 10000 but is 'lots'");

    expect(await twofold(dataDir, ['user', 'unlock', 'alice'])).toMatchObject({ code: 0, out: ["unlocked 'alice': sign-in attempts start counting afresh"] });
    await withStore(dataDir, async (store) => {
      const alice = (await store.accounts.findByUsername('alice'))!;
      expect(await store.attempts.get(`mfa:${alice.id}`)).toMatchObject({ failures: 0, permanent: false });
    });
  });

  test("client ids starting with 'twofold-' are Twofold's own", async () => {
    expect((await twofold(dataDir, ['client', 'add', 'twofold-account', '--redirect-uri', 'https://evil.example.com/cb'])).err).toEqual([
      "error: clientId: is reserved: ids starting with 'twofold-' belong to Twofold's built-in applications",
    ]);
  });
});
