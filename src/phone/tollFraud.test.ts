import { decideSend, type PhoneLimits } from './tollFraud.js';

const limits: PhoneLimits = { perNumber: 5, perAccount: 10, global: 100, callingCodes: new Set(['1', '44']) };

describe('the toll-fraud decision', () => {
  it.each([
    ['a first send to an allowed country', '1', {}, { allowed: true }],
    ['up to the per-number limit', '44', { number: 5 }, { allowed: true }],
    ['up to every limit at once', '1', { number: 5, account: 10, global: 100 }, { allowed: true }],
    ['a country not on the list', '33', {}, { allowed: false, reason: 'country' }],
    ['a number whose country is unknown', null, {}, { allowed: false, reason: 'country' }],
    ['a country not on the list, even with no sends', '882', { number: 1, account: 1, global: 1 }, { allowed: false, reason: 'country' }],
    ['one past the per-number limit', '1', { number: 6 }, { allowed: false, reason: 'number' }],
    ['one past the per-account limit', '1', { number: 1, account: 11 }, { allowed: false, reason: 'account' }],
    ['one past the global limit', '1', { number: 1, account: 1, global: 101 }, { allowed: false, reason: 'global' }],
    ['the narrowest limit first', '1', { number: 6, account: 11, global: 101 }, { allowed: false, reason: 'number' }],
  ] as const)('%s', (_, callingCode, counts, expected) => {
    expect(decideSend({ callingCode, counts, limits })).toMatchObject(expected);
  });

  it('says which limit was passed and by how much, for the audit log', () => {
    expect(decideSend({ callingCode: '1', counts: { account: 12 }, limits })).toEqual({ allowed: false, reason: 'account', detail: '12 sends for this account in the last hour (limit 10)' });
    expect(decideSend({ callingCode: '33', counts: {}, limits })).toEqual({ allowed: false, reason: 'country', detail: 'calling code +33 is not allowed (allowed: +1, +44)' });
  });
});
