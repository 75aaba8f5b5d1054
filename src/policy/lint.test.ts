// Table tests for the policy's warnings: rules an earlier one shadows, earlier rules that ask
// for less of people both name, and decisions no offered method can meet.
import { type Cidr, parseCidr } from './cidr.js';
import { covers, formatFinding, lintPolicy, overlaps } from './lint.js';
import type { MethodOffer } from './offer.js';
import type { Conditions, Outcome, PolicySet, Rule } from './types.js';

const cidr = (text: string) => parseCidr(text) as Cidr;
const defaults: Outcome = { require: 'mfa', methods: ['totp', 'webauthn', 'sms', 'recovery'], strength: 'any', remember: 0, enrollment: 'required', appPasswords: 'allowed', callPin: 'optional' };
const everything: MethodOffer = { offered: ['totp', 'webauthn', 'sms', 'voice', 'recovery'], notOffered: {}, phishingResistant: ['webauthn'], standby: ['recovery'] };
const noPasskeys: MethodOffer = { ...everything, offered: ['totp', 'sms', 'voice', 'recovery'], notOffered: { webauthn: 'passkeys need a domain name' } };
const lint = (rules: Rule[], offer = everything, base = defaults) => lintPolicy({ defaults: base, rules } as PolicySet, offer).map(formatFinding);

test.each<[string, Conditions, Conditions, boolean]>([
  ['no conditions cover everything', {}, { users: ['bob'], clients: ['payroll'] }, true],
  ['a wider list of users covers a narrower one, without case', { users: ['Bob', 'carol'] }, { users: ['bob'] }, true],
  ['a narrower list does not cover a wider one', { users: ['bob'] }, { users: ['bob', 'carol'] }, false],
  ['a condition the later rule lacks is not covered', { users: ['bob'] }, { groups: ['payroll'] }, false],
  ['fewer conditions cover more', { clients: ['payroll'] }, { clients: ['payroll'], groups: ['staff'] }, true],
  ['a network inside the earlier one is covered', { network: [cidr('10.0.0.0/8')] }, { network: [cidr('10.20.0.0/16')] }, true],
  ['a network reaching outside is not', { network: [cidr('10.20.0.0/16')] }, { network: [cidr('10.0.0.0/8')] }, false],
  ['IPv6 inside IPv6', { network: [cidr('2001:db8::/32')] }, { network: [cidr('2001:db8:abcd::/48')] }, true],
  ['acr values are compared exactly', { acr: ['urn:a'] }, { acr: ['URN:A'] }, false],
])('covers: %s', (_name, earlier, later, expected) => {
  expect(covers(earlier, later)).toBe(expected);
});

test.each<[string, Conditions, Conditions, boolean]>([
  ['users and groups can meet in one person', { users: ['bob'] }, { groups: ['payroll'] }, true],
  ['two lists of users with no one in common', { users: ['bob'] }, { users: ['carol'] }, false],
  ['two networks apart', { network: [cidr('10.0.0.0/8')] }, { network: [cidr('192.168.0.0/16')] }, false],
  ['a network inside another', { network: [cidr('10.1.0.0/16')] }, { network: [cidr('10.0.0.0/8')] }, true],
])('overlaps: %s', (_name, a, b, expected) => {
  expect(overlaps(a, b)).toBe(expected);
});

test('a rule under one that matches every sign-in it would can never match', () => {
  expect(lint([
    { name: 'staff', when: { groups: ['staff'] }, require: 'none', source: 'p.yaml:3:5' },
    { name: 'staff on payroll', when: { groups: ['staff'], clients: ['payroll'] }, strength: 'phishing-resistant', source: 'p.yaml:6:5' },
  ])).toEqual(["warning: rule 'staff on payroll' (p.yaml:6:5) can never match: rule 'staff' (p.yaml:3:5) comes first and matches every sign-in it would"]);
});

test("the issue's case: 'bob may skip setup' above 'payroll needs a passkey' is a note naming what bob loses", () => {
  expect(lint([
    { name: 'bob may skip setup', when: { users: ['bob'] }, enrollment: 'optional' },
    { name: 'payroll needs a passkey', when: { clients: ['payroll'] }, strength: 'phishing-resistant' },
  ])).toEqual(["note: rule 'bob may skip setup' comes before rule 'payroll needs a passkey' and asks for less (strength any instead of phishing-resistant) of sign-ins both match"]);
});

test('an earlier rule that asks for the same or more says nothing', () => {
  expect(lint([
    { name: 'blocked', when: { users: ['mallory'] }, require: 'block' },
    { name: 'payroll needs a passkey', when: { clients: ['payroll'] }, strength: 'phishing-resistant' },
    { name: 'kiosk', when: { clients: ['kiosk'] }, require: 'none' },
  ])).toEqual([]);
});

test('phishing-resistant with no passkeys offered: the rule and any application asking for it cannot be met', () => {
  expect(lint([{ name: 'payroll needs a passkey', when: { clients: ['payroll'] }, strength: 'phishing-resistant' }], noPasskeys)).toEqual([
    "warning: rule 'payroll needs a passkey' requires a phishing-resistant second factor, but no phishing-resistant method among its methods (totp, webauthn, sms, recovery) is offered by this server; webauthn: passkeys need a domain name: nobody it applies to can sign in",
    'warning: no phishing-resistant method is offered by this server: an application that asks for phishing-resistant sign-in (acr) cannot be satisfied',
  ]);
});

test('methods that are all switched off, or only recovery codes, cannot meet a decision; the defaults are checked too', () => {
  const phoneOff: MethodOffer = { ...everything, offered: ['totp', 'webauthn', 'recovery'], notOffered: { sms: 'texts and calls are off', voice: 'texts and calls are off' } };
  expect(lint([
    { name: 'phones only', when: { groups: ['field'] }, methods: ['sms', 'voice'] },
    { name: 'codes only', when: { groups: ['lab'] }, methods: ['recovery'] },
    { name: 'no second factor', when: { groups: ['guests'] }, require: 'none', methods: [] },
  ], phoneOff, { ...defaults, methods: ['sms'] })).toEqual([
    'warning: the defaults require a second factor, but none of its methods (sms) is one this server offers that a person can set up; sms: texts and calls are off: nobody it applies to can sign in',
    "warning: rule 'phones only' requires a second factor, but none of its methods (sms, voice) is one this server offers that a person can set up; sms: texts and calls are off; voice: texts and calls are off: nobody it applies to can sign in",
    "warning: rule 'codes only' requires a second factor, but none of its methods (recovery) is one this server offers that a person can set up: nobody it applies to can sign in",
  ]);
});
