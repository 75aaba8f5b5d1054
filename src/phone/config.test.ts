import { loadConfig, resolveConfig } from '../config/load.js';

const twilio = {
  TWOFOLD_PHONE: 'twilio',
  TWOFOLD_TWILIO_ACCOUNT_SID: `AC${'0a'.repeat(16)}`,
  TWOFOLD_TWILIO_AUTH_TOKEN: 'f'.repeat(32),
  TWOFOLD_TWILIO_FROM: '+12125550100',
  TWOFOLD_PHONE_CALLBACK_URL: 'https://idp.example.com/',
};

describe('phone configuration', () => {
  it('uses the development phone outside production, the default country\'s calling code, and the hourly limits', () => {
    expect(loadConfig({ env: {} })).toMatchObject({
      phone: 'development', phoneCountry: 'US', phoneCallingCodes: ['1'], phoneLimitPerNumber: 5, phoneLimitPerAccount: 10, phoneLimitGlobal: 1000,
      fraudBlock: 'until-unblocked', twilioApiUrl: 'https://api.twilio.com',
    });
    expect(loadConfig({ env: { TWOFOLD_PHONE_COUNTRY: 'gb' } })).toMatchObject({ phoneCountry: 'GB', phoneCallingCodes: ['44'] });
    expect(loadConfig({ env: { TWOFOLD_PHONE_CALLING_CODES: '+1, 44,33' } }).phoneCallingCodes).toEqual(['1', '44', '33']);
    expect(loadConfig({ env: { TWOFOLD_FRAUD_BLOCK: '24h' } }).fraudBlock).toBe(86400);
    expect(loadConfig({ env: { TWOFOLD_FRAUD_BLOCK: 'off' } }).fraudBlock).toBe('off');
  });

  it('takes a complete Twilio setup, the callback URL without its trailing slash', () => {
    expect(loadConfig({ env: twilio })).toMatchObject({ phone: 'twilio', phoneCallbackUrl: 'https://idp.example.com', twilioFrom: '+12125550100' });
    expect(loadConfig({ env: { ...twilio, TWOFOLD_PHONE_CALLBACK_URL: undefined, TWOFOLD_ISSUER: 'https://id.example.com' } }).phoneCallbackUrl).toBe('https://id.example.com');
  });

  it('lists every missing Twilio option at once', () => {
    expect(resolveConfig({ env: { TWOFOLD_PHONE: 'twilio' } }).problems).toEqual([
      "TWOFOLD_TWILIO_ACCOUNT_SID (option 'twilioAccountSid') must be set when TWOFOLD_PHONE is 'twilio': the account SID from the Twilio console",
      "TWOFOLD_TWILIO_AUTH_TOKEN (option 'twilioAuthToken') must be set when TWOFOLD_PHONE is 'twilio': the auth token from the Twilio console",
      "TWOFOLD_TWILIO_FROM (option 'twilioFrom') must be set when TWOFOLD_PHONE is 'twilio': a Twilio number that can send texts and place calls",
      "TWOFOLD_PHONE_CALLBACK_URL (option 'phoneCallbackUrl') must be set when TWOFOLD_PHONE is 'twilio': the public URL Twilio reaches Twofold at (or set TWOFOLD_ISSUER)",
    ]);
  });

  it('names each bad value, keeping the auth token hidden', () => {
    const { problems } = resolveConfig({
      env: {
        ...twilio, TWOFOLD_TWILIO_ACCOUNT_SID: 'SK123', TWOFOLD_TWILIO_AUTH_TOKEN: 'secret-token', TWOFOLD_TWILIO_FROM: '212 555 0100',
        TWOFOLD_PHONE_COUNTRY: 'Narnia', TWOFOLD_PHONE_CALLING_CODES: '1,999', TWOFOLD_PHONE_LIMIT_PER_NUMBER: '0', TWOFOLD_FRAUD_BLOCK: 'forever', TWOFOLD_PHONE: 'carrier-pigeon',
      },
    });
    expect(problems).toEqual([
      "TWOFOLD_PHONE (option 'phone') must be one of 'development', 'twilio', 'off' but is 'carrier-pigeon'",
      "TWOFOLD_PHONE_COUNTRY (option 'phoneCountry') must be a two-letter region code such as 'US' or 'GB' but is 'Narnia'",
      "TWOFOLD_PHONE_CALLING_CODES (option 'phoneCallingCodes') must be comma-separated country calling codes such as '1,44' but is '1,999'",
      "TWOFOLD_PHONE_LIMIT_PER_NUMBER (option 'phoneLimitPerNumber') must be an integer from 1 to 1000 but is '0'",
      "TWOFOLD_TWILIO_ACCOUNT_SID (option 'twilioAccountSid') must be AC followed by 32 hexadecimal digits but is 'SK123'",
      "TWOFOLD_TWILIO_AUTH_TOKEN (option 'twilioAuthToken') must be 32 hexadecimal digits but is (hidden)",
      "TWOFOLD_TWILIO_FROM (option 'twilioFrom') must be a number in E.164 form such as '+12125550100' but is '212 555 0100'",
      "TWOFOLD_FRAUD_BLOCK (option 'fraudBlock') must be 'until-unblocked', 'off', or a duration such as '24h' but is 'forever'",
    ]);
  });

  it('keeps the development phone out of production, and asks for https there', () => {
    const production = { NODE_ENV: 'production', TWOFOLD_ISSUER: 'https://id.example.com' };
    const phoneProblems = (env: Record<string, string>) => resolveConfig({ env: { ...production, ...env } }).problems.filter((p) => /PHONE|TWILIO/.test(p));
    expect(resolveConfig({ env: production }).config.phone).toBe('off');
    expect(phoneProblems({})).toEqual([]);
    expect(phoneProblems({ TWOFOLD_PHONE: 'development' })).toEqual(["TWOFOLD_PHONE (option 'phone') must not be 'development' in production: set 'twilio', or 'off'"]);
    expect(phoneProblems({ ...twilio, TWOFOLD_PHONE_CALLBACK_URL: 'http://idp.example.com', TWOFOLD_TWILIO_API_URL: 'http://127.0.0.1:9' })).toEqual([
      "TWOFOLD_PHONE_CALLBACK_URL must be an https URL in production but is 'http://idp.example.com'",
      "TWOFOLD_TWILIO_API_URL must be an https URL in production but is 'http://127.0.0.1:9'",
    ]);
  });
});
