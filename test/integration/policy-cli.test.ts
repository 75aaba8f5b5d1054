// What an administrator sees of the policy: `policy explain` names only methods this server
// can offer and says when nothing can meet a decision; `policy test` and the server at load
// warn about rules that never match and decisions no method can satisfy; explain keeps working,
// and says so, while the files on disk are broken and the server enforces the last good policy.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { twofold } from '../helpers/cli.js';
import { policyWith, startTestServer, tempDir } from '../helpers/server.js';

let dataDir: string;
let policyDir: string;
beforeEach(() => {
  dataDir = tempDir();
  policyDir = join(dataDir, 'policies');
  mkdirSync(join(policyDir, 'tests'), { recursive: true });
  writeFileSync(join(policyDir, 'tests', 'expectations.yaml'), 'version: 1\ntests:\n  - name: bob signs in\n    given: { user: bob, client: wiki }\n    expect: { require: mfa }\n');
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const shadowing = policyWith('require: mfa\nmethods: [totp, webauthn, sms, voice, recovery]', `
  - name: staff
    when: { groups: [staff] }
    methods: [totp, sms]
  - name: staff on payroll
    when: { groups: [staff], clients: [payroll] }
    strength: phishing-resistant
  - name: field workers
    when: { groups: [field] }
    methods: [sms, voice]`);
const env = (more: Record<string, string> = {}) => ({ TWOFOLD_POLICIES: policyDir, ...more });
const explain = (args: string[], more: Record<string, string> = {}) => twofold(dataDir, ['policy', 'explain', '--user', 'bob', '--client', 'wiki', ...args], '', env(more));

test('explain lists only the methods this server offers, names the others with the option to set, and says when nothing can meet the decision', async () => {
  writeFileSync(join(policyDir, 'policy.yaml'), shadowing);
  const offOnAnAddress = { TWOFOLD_PHONE: 'off', TWOFOLD_ISSUER: 'http://127.0.0.1:3000' };
  const field = await explain(['--group', 'field'], offOnAnAddress);
  expect(field.code).toBe(0);
  expect(field.out.slice(0, 6)).toEqual([
    'decision:    a second factor is required (mfa)',
    expect.stringMatching(/^rule: {8}field workers \(.*policy\.yaml:\d+:\d+\)$/),
    'methods:     (none this server offers)',
    "not offered: sms: texts and calls are off (TWOFOLD_PHONE is 'off')",
    "not offered: voice: texts and calls are off (TWOFOLD_PHONE is 'off')",
    "cannot be met: none of its methods (sms, voice) is one this server offers that a person can set up; sms: texts and calls are off (TWOFOLD_PHONE is 'off'); voice: texts and calls are off (TWOFOLD_PHONE is 'off'); this sign-in will fail until the policy or the server changes",
  ]);

  // A phishing-resistant request with no passkeys here: not "methods: webauthn" but "cannot be met".
  const strong = await explain(['--group', 'other', '--acr', 'phishing-resistant'], offOnAnAddress);
  expect(strong.out).toContain('methods:     (none this server offers)');
  expect(strong.out).toContainEqual(expect.stringMatching(/^not offered: webauthn: passkeys need a domain name: the issuer's host '127\.0\.0\.1' is not one; set TWOFOLD_WEBAUTHN_RP_ID/));
  expect(strong.out).toContainEqual(expect.stringMatching(/^cannot be met: no phishing-resistant method among its methods \(totp, webauthn, sms, voice, recovery\) is offered by this server; webauthn: passkeys need a domain name/));

  // With passkeys and phones offered, the same questions have answers.
  const fine = await explain(['--group', 'other', '--acr', 'phishing-resistant'], { TWOFOLD_ISSUER: 'https://login.example.com' });
  expect(fine.out).toContain('methods:     webauthn');
  expect(fine.out.join('\n')).not.toMatch(/not offered|cannot be met/);
});

test('policy test prints the warnings before the results and still passes; the shadowed rule is named with its place', async () => {
  writeFileSync(join(policyDir, 'policy.yaml'), shadowing);
  const tested = await twofold(dataDir, ['policy', 'test', '--dir', policyDir], '', { TWOFOLD_PHONE: 'off' });
  expect(tested.code).toBe(0);
  expect(tested.out).toEqual([
    expect.stringMatching(/^warning: rule 'staff on payroll' \(.*policy\.yaml:\d+:\d+\) can never match: rule 'staff' \(.*policy\.yaml:\d+:\d+\) comes first and matches every sign-in it would$/),
    expect.stringMatching(/^warning: rule 'field workers' .*requires a second factor, but none of its methods \(sms, voice\) is one this server offers/),
    'ok    bob signs in',
    '1 passed, 0 failed',
  ]);
});

test('the server warns at load; while the files are broken, explain answers with the last good policy the server keeps enforcing', async () => {
  const server = await startTestServer({ dataDir, phone: 'off' }, { dataDir, policy: shadowing });
  try {
    expect(server.logs.join('\n')).toMatch(/policy warning: rule 'staff on payroll' .* can never match/);
    expect(server.logs.join('\n')).toMatch(/policy warning: rule 'field workers' .* requires a second factor, but none of its methods/);
    writeFileSync(join(policyDir, 'policy.yaml'), 'version: 1\ndefaults:\n  require: sometimes\n');
    expect(server.policies.reload()).toHaveLength(1);

    const explained = await explain(['--group', 'staff']);
    expect(explained.code).toBe(0);
    expect(explained.err).toEqual([
      `warning: the policy files in ${policyDir} are broken, so a change there has not taken effect:`,
      `  policy: ${policyDir}/policy.yaml:3:12: defaults: require must be one of none, mfa, block but is 'sometimes'`,
      expect.stringMatching(/^warning: a running server keeps enforcing the last good policy \(loaded \d{4}-\d\d-\d\dT[\d:.]+Z\); this explains that one$/),
      "note: there is no client 'wiki'; explaining anyway",
    ]);
    expect(explained.out[1]).toMatch(/^rule: {8}staff /);
    expect(server.policies.current().rules.map((rule) => rule.name)).toEqual(['staff', 'staff on payroll', 'field workers']);
  } finally {
    await server.stop({ keepData: true });
  }
});

test('with broken files and no server that ever loaded a policy, explain says both and answers nothing', async () => {
  writeFileSync(join(policyDir, 'policy.yaml'), 'version: 1\ndefaults:\n  require: sometimes\n');
  const explained = await explain(['--group', 'staff']);
  expect(explained).toEqual({
    code: 1,
    out: [],
    err: [
      `error: policy: ${policyDir}/policy.yaml:3:12: defaults: require must be one of none, mfa, block but is 'sometimes'`,
      `error: policy explain: the policy files are broken and no server has recorded a last good policy in ${dataDir}`,
    ],
  });
});
