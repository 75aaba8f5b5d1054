// Table tests for the policy engine: every condition kind, rule order, inheritance from
// defaults, the relying party's acr floor, and IPv4/IPv6 CIDR edges.
import { type Cidr, parseCidr } from './cidr.js';
import { decide } from './decide.js';
import type { Decision, DecisionContext, PolicySet } from './types.js';

const cidr = (text: string) => parseCidr(text) as Cidr;
const levels = { sfa: 'https://refeds.org/profile/sfa', mfa: 'https://refeds.org/profile/mfa', phishingResistant: 'urn:test:phishing-resistant' };

const policy: PolicySet = {
  defaults: { require: 'mfa', methods: ['push', 'totp', 'webauthn', 'sms', 'voice', 'oath'], strength: 'any', remember: 14 * 86400, enrollment: 'required', appPasswords: 'allowed', callPin: 'optional' },
  rules: [
    { name: 'blocked user', when: { users: ['Mallory'] }, require: 'block' },
    { name: 'office network', when: { network: [cidr('203.0.113.0/24'), cidr('2001:db8:abcd::/48')] }, require: 'none' },
    { name: 'payroll needs a passkey', when: { clients: ['payroll'] }, strength: 'phishing-resistant', remember: 0 },
    { name: 'contractors', when: { groups: ['Contractors'] }, methods: ['push', 'webauthn'] },
    { name: 'kiosk app on the lab network', when: { acr: ['urn:example:kiosk'], network: [cidr('10.20.0.0/16')] }, require: 'none', enrollment: 'optional' },
    { name: 'interns may skip enrolment', when: { groups: ['interns'], clients: ['wiki'] }, enrollment: 'optional' },
    { name: 'no app passwords for finance', when: { groups: ['finance'] }, appPasswords: 'forbidden' },
  ],
};

function context({ user = 'alice', groups = ['staff'], client = 'wiki', ip = '198.51.100.7', acr = [] as string[] } = {}): DecisionContext {
  return { account: { id: `id-${user}`, username: user, groups }, client: { id: client }, request: { ip, acr }, acrLevels: levels };
}

const summary = (d: Decision) => ({ rule: d.rule, require: d.require, methods: d.methods, strength: d.strength, remember: d.remember, enrollment: d.enrollment, appPasswords: d.appPasswords, floor: d.floor });
const all = policy.defaults.methods;

test.each([
  ['no rule matches: the defaults', {}, { rule: 'defaults', require: 'mfa', methods: all, remember: 1209600, appPasswords: 'allowed' }],
  ['app_passwords: a rule forbids them and inherits the rest', { groups: ['finance'] }, { rule: 'no app passwords for finance', require: 'mfa', methods: all, appPasswords: 'forbidden' }],
  ['app_passwords: an earlier rule that leaves them out allows them (the defaults)', { groups: ['finance'], client: 'payroll' }, { rule: 'payroll needs a passkey', appPasswords: 'allowed' }],
  ['users: a blocked user, compared without case', { user: 'mallory' }, { rule: 'blocked user', require: 'block' }],
  ['network: IPv4 inside the office block', { ip: '203.0.113.42' }, { rule: 'office network', require: 'none', methods: all, remember: 1209600 }],
  ['clients: payroll asks for phishing resistance and inherits require', { client: 'payroll' }, { rule: 'payroll needs a passkey', require: 'mfa', strength: 'phishing-resistant', methods: ['push', 'totp', 'webauthn', 'sms', 'voice', 'oath'], remember: 0 }],
  ['groups: contractors are limited to push and passkeys, compared without case', { groups: ['contractors'] }, { rule: 'contractors', methods: ['push', 'webauthn'], remember: 1209600 }],
  ['order: a contractor in the office gets the earlier office rule', { groups: ['contractors'], ip: '203.0.113.9' }, { rule: 'office network', require: 'none' }],
  ['order: a contractor at payroll gets the earlier payroll rule', { groups: ['contractors'], client: 'payroll' }, { rule: 'payroll needs a passkey', strength: 'phishing-resistant' }],
  ['all conditions of a rule must hold: intern at another app', { groups: ['interns'], client: 'crm' }, { rule: 'defaults', enrollment: 'required' }],
  ['all conditions of a rule must hold: intern at the wiki', { groups: ['interns'], client: 'wiki' }, { rule: 'interns may skip enrolment', enrollment: 'optional' }],
  ['acr condition with network: the kiosk app on the lab network', { acr: ['urn:example:kiosk'], ip: '10.20.3.4' }, { rule: 'kiosk app on the lab network', require: 'none', enrollment: 'optional' }],
  ['acr condition with network: the kiosk app elsewhere', { acr: ['urn:example:kiosk'], ip: '10.21.0.1' }, { rule: 'defaults', require: 'mfa' }],
])('%s', (_name, input, expected) => {
  expect(summary(decide(context(input), policy))).toMatchObject(expected);
});

describe('the relying party acr request is a floor', () => {
  test.each([
    ['mfa forces a second factor where the rule says none', { ip: '203.0.113.42', acr: [levels.mfa] }, { rule: 'office network', require: 'mfa', floor: 'mfa' }],
    ['phishing-resistant asks for that strength (the factors say which methods have it) and raises none', { ip: '203.0.113.42', acr: [levels.phishingResistant] }, { require: 'mfa', strength: 'phishing-resistant', floor: 'phishing-resistant' }],
    ['the lowest requested level counts: mfa or phishing-resistant', { acr: [levels.phishingResistant, levels.mfa] }, { strength: 'any', floor: 'mfa' }],
    ['single factor among the requested values: no floor', { ip: '203.0.113.42', acr: [levels.sfa, levels.mfa] }, { require: 'none', floor: undefined }],
    ['unknown values are ignored', { ip: '203.0.113.42', acr: ['urn:unknown'] }, { require: 'none', floor: undefined }],
    ['block stays block', { user: 'mallory', acr: [levels.mfa] }, { require: 'block', floor: undefined }],
  ])('%s', (_name, input, expected) => {
    expect(summary(decide(context(input), policy))).toMatchObject(expected);
  });

  test('the trace says that the request raised the requirement', () => {
    const { trace } = decide(context({ ip: '203.0.113.42', acr: [levels.mfa] }), policy);
    expect(trace.at(-1)).toEqual({ rule: 'relying party request', matched: true, reasons: ['the application asked for multi-factor sign-in: a second factor is required'] });
  });
});

describe('CIDR edges', () => {
  test.each([
    ['203.0.113.0', true], ['203.0.113.255', true], ['203.0.112.255', false], ['203.0.114.0', false],
    ['::ffff:203.0.113.9', true], ['::ffff:cb00:7109', true], ['2001:db8:abcd::', true], ['2001:db8:abcd:ffff:ffff:ffff:ffff:ffff', true],
    ['2001:db8:abce::1', false], ['2001:db8:abcc:ffff::1', false], ['2001:DB8:ABCD::1', true], ['not-an-ip', false],
  ])('%s in the office network: %s', (ip, inside) => {
    expect(decide(context({ ip }), policy).rule === 'office network').toBe(inside);
  });

  test('a /0 block matches every address of its family, and a /32 or /128 one address', () => {
    const everywhere: PolicySet = { ...policy, rules: [
      { name: 'one v4', when: { network: [cidr('192.0.2.1/32')] }, require: 'block' },
      { name: 'one v6', when: { network: [cidr('2001:db8::1/128')] }, require: 'block' },
      { name: 'any v4', when: { network: [cidr('0.0.0.0/0')] }, require: 'none' },
    ] };
    expect(decide(context({ ip: '192.0.2.1' }), everywhere).rule).toBe('one v4');
    expect(decide(context({ ip: '192.0.2.2' }), everywhere).rule).toBe('any v4');
    expect(decide(context({ ip: '2001:db8::1' }), everywhere).rule).toBe('one v6');
    expect(decide(context({ ip: '2001:db8::2' }), everywhere).rule).toBe('defaults');
  });
});

test('the trace explains each rule that did not match and the one that did', () => {
  const { trace } = decide(context({ groups: ['contractors', 'staff'] }), policy);
  expect(trace).toEqual([
    { rule: 'blocked user', matched: false, reasons: ["user 'alice' is not one of 'Mallory'"] },
    { rule: 'office network', matched: false, reasons: ['198.51.100.7 is not in 203.0.113.0/24, 2001:db8:abcd::/48'] },
    { rule: 'payroll needs a passkey', matched: false, reasons: ["client 'wiki' is not one of 'payroll'"] },
    { rule: 'contractors', matched: true, reasons: ["in group 'contractors'"] },
  ]);
});

test('a rule without conditions matches every sign-in', () => {
  const catchAll: PolicySet = { ...policy, rules: [{ name: 'everyone', when: {}, require: 'none' }] };
  expect(decide(context(), catchAll)).toMatchObject({ rule: 'everyone', require: 'none', trace: [{ rule: 'everyone', matched: true, reasons: ['no conditions: matches every sign-in'] }] });
});

test('decide is pure: the same input gives the same decision and the policy is not changed', () => {
  const before = structuredClone(policy);
  expect(decide(context({ client: 'payroll' }), policy)).toEqual(decide(context({ client: 'payroll' }), policy));
  expect(policy).toEqual(before);
});

test('a block with host bits set is refused with the network it probably meant', () => {
  expect(parseCidr('2001:db8::1/32')).toBe("'2001:db8::1/32' has host bits set: did you mean 2001:db8::/32?");
  expect(parseCidr('10.1.2.3/16')).toBe("'10.1.2.3/16' has host bits set: did you mean 10.1.0.0/16?");
  expect(parseCidr('10.0.0.0/33')).toBe("'10.0.0.0/33' has a prefix length outside 0 to 32");
  expect(parseCidr('fe80::/10')).toMatchObject({ prefix: 10, width: 128 });
});
