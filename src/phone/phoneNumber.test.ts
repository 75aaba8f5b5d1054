import { maskPhoneNumber, parsePhoneNumber } from './phoneNumber.js';

describe('parsing a phone number as people type it', () => {
  const valid: [string, string, string, string | null][] = [
    // typed, region picked, E.164, extension
    ['(212) 555-0142', 'US', '+12125550142', null],
    ['212.555.0142', 'US', '+12125550142', null],
    ['212 555 0142', 'US', '+12125550142', null],
    ['  +1 212-555-0142 ', 'GB', '+12125550142', null],
    ['07911 123456', 'GB', '+447911123456', null],
    ['+44 (0)7911 123456', 'US', '+447911123456', null],
    ['0044 7911 123456', 'US', '+447911123456', null],
    ['030 123456', 'DE', '+4930123456', null],
    ['06 12 34 56 78', 'FR', '+33612345678', null],
    ['+81 3-1234-5678', 'US', '+81312345678', null],
    ['0412 345 678', 'AU', '+61412345678', null],
    ['+1 212 555 0142 ext. 123', 'US', '+12125550142', '123'],
    ['212-555-0142 x45', 'US', '+12125550142', '45'],
    ['+1 212 555 0142;ext=99', 'US', '+12125550142', '99'],
    ['030 123456 extension 7', 'DE', '+4930123456', '7'],
  ];
  it.each(valid)('%j (%s) is %s', (typed, country, e164, extension) => {
    expect(parsePhoneNumber(typed, { country, allowExtension: true })).toMatchObject({ ok: true, number: { e164, extension } });
  });

  const invalid: [string, string, string, RegExp][] = [
    ['', 'US', 'empty', /Enter a phone number/],
    ['555', 'US', 'too-short', /too short for United States \(\+1\)/],
    ['12', 'GB', 'too-short', /too short for United Kingdom \(\+44\)/],
    ['2125550142999', 'US', 'too-long', /too long for/],
    ['1-800-FLOWERS', 'US', 'characters', /only digits.*remove 'FLOWERS'/],
    ['call me', 'US', 'characters', /remove 'calme'/],
    ['212 555 O142', 'US', 'characters', /remove 'O'/],
    ['+999 1234 5678', 'US', 'unknown-country', /\+999 is not a country calling code/],
    ['+1 200 555 0142', 'US', 'not-in-use', /\+1 200 555 0142 is not a number in use: check the area code/],
    ['212 555 01+42', 'US', 'characters', /Put \+ only at the start/],
    ['212 555 0142 ext. 12a', 'US', 'extension-invalid', /An extension is 1 to 10 digits, but '12a'/],
  ];
  it.each(invalid)('%j (%s) is refused: %s', (typed, country, problem, message) => {
    const result = parsePhoneNumber(typed, { country, allowExtension: true });
    expect(result).toMatchObject({ ok: false, problem });
    expect(result.ok || result.message).toMatch(message);
  });

  it('names the country a number is too short for, whichever country it was typed for', () => {
    expect(parsePhoneNumber('+44 20 7946', { country: 'US' })).toMatchObject({ ok: false, message: expect.stringMatching(/United Kingdom \(\+44\)/) });
  });

  it('refuses an extension on a mobile number, written after it or in its own field', () => {
    expect(parsePhoneNumber('212 555 0142 x45', { country: 'US' })).toMatchObject({ ok: false, problem: 'extension-not-allowed' });
    expect(parsePhoneNumber('212 555 0142', { country: 'US', extension: '45' })).toMatchObject({ ok: false, problem: 'extension-not-allowed' });
    expect(parsePhoneNumber('212 555 0142', { country: 'US', extension: '45', allowExtension: true })).toMatchObject({ ok: true, number: { extension: '45' } });
  });

  it('tells the number\'s region, calling code and international form', () => {
    expect(parsePhoneNumber('06 12 34 56 78', { country: 'FR' })).toEqual({
      ok: true,
      number: { e164: '+33612345678', country: 'FR', callingCode: '33', extension: null, international: '+33 6 12 34 56 78' },
    });
  });

  it('refuses to guess with a region code it does not know', () => {
    expect(() => parsePhoneNumber('212 555 0142', { country: 'XX' })).toThrow(/'XX' is not a region code/);
  });
});

describe('masking a phone number for display', () => {
  it.each([
    ['+12125550142', '+1 ••• ••• ••42'],
    ['+447911123456', '+44 •••• ••••56'],
    ['+33612345678', '+33 • •• •• •• 78'],
    ['+4930123456', '+49 •• ••••56'],
  ])('%s shows as %s', (e164, masked) => {
    expect(maskPhoneNumber(e164)).toBe(masked);
  });
});
