import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/tempDir.js';
import { loadPolicySet } from './load.js';
import { parsePolicyFile } from './parse.js';

const example = `version: 1
defaults:
  require: mfa                 # none | mfa | block
  methods: [push, totp, webauthn, sms, voice, oath]
  strength: any
  remember: 14d
  enrollment: required
rules:
  - name: office network
    when: { network: [203.0.113.0/24] }
    require: none
  - name: payroll needs a passkey
    when: { clients: [payroll] }
    strength: phishing-resistant
    remember: 0
  - name: contractors
    when: { groups: [contractors] }
    methods: [push, webauthn]
`;

test('the example from the design reads into defaults and rules', () => {
  const { policy, problems } = parsePolicyFile('default.yaml', example);
  expect(problems).toEqual([]);
  expect(policy!.defaults).toEqual({ require: 'mfa', methods: ['push', 'totp', 'webauthn', 'sms', 'voice', 'oath'], strength: 'any', remember: 1209600, enrollment: 'required' });
  expect(policy!.rules.map((r) => [r.name, r.source])).toEqual([['office network', 'default.yaml:9:5'], ['payroll needs a passkey', 'default.yaml:12:5'], ['contractors', 'default.yaml:16:5']]);
  expect(policy!.rules[0]!.when.network![0]!.text).toBe('203.0.113.0/24');
  expect(policy!.rules[1]).toMatchObject({ strength: 'phishing-resistant', remember: 0 });
});

test('every problem is reported with its file, line and column', () => {
  const { policy, problems } = parsePolicyFile('bad.yaml', `version: 1
defaults:
  require: maybe
  methods: [totp, carrier-pigeon]
  remember: fortnight
rules:
  - name: typo
    when: { netwrok: [10.0.0.0/8] }
  - name: host bits
    when: { network: [10.0.0.5/8] }
  - when: { groups: [x] }
  - name: empty list
    when: { groups: [] }
    enrollment: later
`);
  expect(policy).toBeUndefined();
  expect(problems).toEqual([
    'bad.yaml:3:12: defaults: require must be one of none, mfa, block but is \'maybe\'',
    "bad.yaml:4:12: defaults: methods: unknown method 'carrier-pigeon' (known: push, totp, webauthn, sms, voice, oath, recovery)",
    "bad.yaml:5:13: defaults: remember must be a duration such as 14d, 12h or 0 but is 'fortnight'",
    "bad.yaml:8:13: rule 'typo': when: unknown key 'netwrok' (expected one of: clients, users, groups, network, acr)",
    "bad.yaml:10:23: rule 'host bits': when.network: '10.0.0.5/8' has host bits set: did you mean 10.0.0.0/8?",
    'bad.yaml:11:5: rule 3 needs a name',
    "bad.yaml:13:21: rule 'empty list': when.groups must be a non-empty list",
    "bad.yaml:14:17: rule 'empty list': enrollment must be one of required, optional but is 'later'",
  ]);
});

test('YAML syntax errors and a missing version are reported with a line', () => {
  expect(parsePolicyFile('x.yaml', 'version: 1\nrules: [\n').problems[0]).toMatch(/^x\.yaml:\d+:\d+: /);
  expect(parsePolicyFile('x.yaml', 'rules: []\n').problems).toEqual(['x.yaml:1:1: version must be 1 (add "version: 1")']);
  expect(parsePolicyFile('x.yaml', 'version: 1\nversion: 1\n').problems[0]).toMatch(/^x\.yaml:2:1: Map keys must be unique/);
});

describe('loading a folder', () => {
  const folder = (files: Record<string, string>) => {
    const dir = tempDir('twofold-policies-');
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  };

  test('rules run in file-name order; subfolders (tests, examples) are not policy', () => {
    const dir = folder({
      'b-rules.yaml': 'version: 1\nrules:\n  - name: second\n    require: none\n',
      'a-default.yaml': 'version: 1\ndefaults:\n  remember: 1d\nrules:\n  - name: first\n    when: { clients: [x] }\n',
      'tests/expect.yaml': 'not: a policy\n',
    });
    const { policy, problems } = loadPolicySet(dir);
    expect(problems).toEqual([]);
    expect(policy!.rules.map((rule) => rule.name)).toEqual(['first', 'second']);
    expect(policy!.defaults).toMatchObject({ require: 'mfa', remember: 86400, enrollment: 'required' });
  });

  test('defaults set twice, none at all, or a rule name used twice are refused', () => {
    expect(loadPolicySet(folder({ 'a.yaml': 'version: 1\ndefaults: {}\n', 'b.yaml': 'version: 1\ndefaults: {}\n' })).problems[0]).toMatch(/only one policy file may set defaults/);
    expect(loadPolicySet(folder({ 'a.yaml': 'version: 1\nrules: []\n' })).problems[0]).toMatch(/sets defaults/);
    expect(loadPolicySet(folder({ 'a.yaml': 'version: 1\ndefaults: {}\nrules:\n  - name: x\n  - name: x\n' })).problems[0]).toMatch(/a\.yaml:5:5: rule name 'x' is used twice \(first at .*a\.yaml:4:5\)/);
    expect(loadPolicySet('/no/such/folder').problems).toEqual(["policy folder '/no/such/folder' does not exist (set TWOFOLD_POLICIES)"]);
  });
});

test.each([
  { key: 'app_passwords', field: 'appPasswords', usual: 'allowed', stricter: 'forbidden', bad: 'sometimes', problem: "bad.yaml:3:18: defaults: app_passwords must be one of allowed, forbidden but is 'sometimes'" },
  { key: 'call_pin', field: 'callPin', usual: 'optional', stricter: 'required', bad: 'yes', problem: "bad.yaml:3:13: defaults: call_pin must be one of required, optional but is 'yes'" },
])('$key is $usual or $stricter, in the defaults or per rule', ({ key, field, usual, stricter, bad, problem }) => {
  const { policy, problems } = parsePolicyFile('policy.yaml', `version: 1
defaults:
  ${key}: ${usual}
rules:
  - name: finance
    when: { groups: [finance] }
    ${key}: ${stricter}
`);
  expect(problems).toEqual([]);
  expect(policy!.defaults).toEqual({ [field]: usual });
  expect(policy!.rules[0]).toMatchObject({ name: 'finance', [field]: stricter });
  expect(parsePolicyFile('bad.yaml', `version: 1\ndefaults:\n  ${key}: ${bad}\n`).problems).toEqual([problem]);
});
