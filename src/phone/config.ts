// The telephony options that depend on each other: defaults that follow other options, and
// what Twilio needs before Twofold may start. Every problem is listed, like the rest of config.
import { getCountryCallingCode, type CountryCode } from 'libphonenumber-js/max';
import { type Config, type OptionName, optionSpecs } from '../config/schema.js';

/** Fills the phone defaults that depend on other options and lists what is wrong. */
export function resolvePhoneConfig(config: Config, invalid: ReadonlySet<OptionName>): string[] {
  const problems: string[] = [];
  const production = config.nodeEnv === 'production';
  config.phone ??= production ? 'off' : 'development';
  if (!config.phoneCallingCodes && !invalid.has('phoneCountry')) config.phoneCallingCodes = [getCountryCallingCode(config.phoneCountry as CountryCode)];
  config.phoneCallbackUrl ??= config.issuer;

  if (production && config.phone === 'development') {
    problems.push("TWOFOLD_PHONE (option 'phone') must not be 'development' in production: set 'twilio', or 'off'");
  }
  if (config.phone === 'twilio') {
    const required: [OptionName, string][] = [
      ['twilioAccountSid', 'the account SID from the Twilio console'],
      ['twilioAuthToken', 'the auth token from the Twilio console'],
      ['twilioFrom', 'a Twilio number that can send texts and place calls'],
      ['phoneCallbackUrl', 'the public URL Twilio reaches Twofold at (or set TWOFOLD_ISSUER)'],
    ];
    for (const [name, hint] of required) {
      if (config[name] === undefined && !invalid.has(name)) problems.push(`${optionSpecs[name].env} (option '${name}') must be set when TWOFOLD_PHONE is 'twilio': ${hint}`);
    }
    if (production && config.phoneCallbackUrl?.startsWith('http:') && !config.allowInsecureIssuer) {
      problems.push(`TWOFOLD_PHONE_CALLBACK_URL must be an https URL in production but is '${config.phoneCallbackUrl}'`);
    }
    if (production && config.twilioApiUrl.startsWith('http:')) {
      problems.push(`TWOFOLD_TWILIO_API_URL must be an https URL in production but is '${config.twilioApiUrl}'`);
    }
  }
  return problems;
}
