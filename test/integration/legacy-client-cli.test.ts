// `twofold client add|update --legacy`: an app that only sends a username and an app password.
import { rmSync } from 'node:fs';
import { twofold } from '../helpers/cli.js';
import { tempDir } from '../helpers/server.js';

let dataDir: string;
beforeEach(() => {
  dataDir = tempDir();
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

test('a legacy client needs no grant or redirect URI of its own, shows the password grant, and can be turned back', async () => {
  const added = await twofold(dataDir, ['client', 'add', 'old-mail', '--name', 'Old Mail', '--legacy']);
  expect(added.code).toBe(0);
  expect(added.out[0]).toBe("added confidential client 'old-mail'");
  const listed = (await twofold(dataDir, ['client', 'list'])).out;
  expect(listed).toContain('  grants:                     (none) (legacy: and password, with app passwords)');
  // Without --legacy it would have no grant at all: refused, and nothing changes.
  const refused = await twofold(dataDir, ['client', 'update', 'old-mail', '--no-legacy']);
  expect(refused).toMatchObject({ code: 1, err: ['error: grant: give at least one grant'] });
  const changed = await twofold(dataDir, ['client', 'update', 'old-mail', '--no-legacy', '--grant', 'client_credentials']);
  expect(changed).toMatchObject({ code: 0, out: ["updated client 'old-mail':", '  grantTypes: (none) -> client_credentials', '  legacy: true -> false'] });
  const audit = (await twofold(dataDir, ['audit', 'tail'])).out.filter((line) => line.includes('client.update'));
  expect(audit[0]).toMatch(/reason="grantTypes: \(none\) -> client_credentials; legacy: true -> false" by=cli:/);
});

test('an ordinary client still needs a grant and a redirect URI', async () => {
  expect(await twofold(dataDir, ['client', 'add', 'web'])).toMatchObject({ code: 1, err: ['error: redirect URI: at least one redirect URI is required (--redirect-uri)'] });
});
