// Every configuration option in one table: its environment name, what it means,
// its default, and the rule its value must follow.
import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { type FactorConfig, factorOptions } from '../factors/registry.js';
import { type LogFormat, logFormats, type LogLevel, logLevels } from '../log.js';
import { isRegion, knownCallingCodes } from '../phone/phoneNumber.js';

export interface OptionSpec<T> {
  /** Environment variable that sets the option. */
  env: string;
  /** What the option does, for the README and `twofold config`. */
  description: string;
  /** What a valid value looks like, for error messages: "must be <expects> but is ...". */
  expects: string;
  schema: z.ZodType<T>;
  /** The default as written in docs; `undefined` means "no default" (see `resolveDefaults`). */
  default?: T;
  /** Values never echoed back in errors or listings. */
  secret?: boolean;
}

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: 'not a duration' });
    return z.NEVER;
  }
  return seconds;
});

const boolean = z.union([z.boolean(), z.stringbool()]);
const list = z.union([z.array(z.string()), z.string()]).transform((value) =>
  (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim()).filter(Boolean),
);

function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

export const optionSpecs = {
  nodeEnv: option({
    env: 'NODE_ENV',
    description: 'Run mode. `production` refuses unsafe settings: missing keys, a plain-http issuer, the demo.',
    expects: "one of 'development', 'production', 'test'",
    schema: z.enum(['development', 'production', 'test']),
    default: 'development',
  }),
  port: option({
    env: 'PORT',
    description: 'TCP port the server listens on (0 picks a free one).',
    expects: 'an integer from 0 to 65535',
    schema: z.coerce.number().int().min(0).max(65535),
    default: 3000,
  }),
  host: option({
    env: 'TWOFOLD_HOST',
    description: 'Address to listen on. Use 0.0.0.0 (or ::) to accept connections from other machines.',
    expects: 'a host name or IP address',
    schema: z.string().min(1),
    default: '127.0.0.1',
  }),
  issuer: option({
    env: 'TWOFOLD_ISSUER',
    description: 'Public URL of the provider, as relying parties reach it. Default: http://localhost:<port>.',
    expects: 'an absolute http(s) URL without query or fragment',
    schema: z.url({ protocol: /^https?$/ }).refine((value) => URL.canParse(value) && !new URL(value).search && !new URL(value).hash),
  }),
  allowInsecureIssuer: option({
    env: 'TWOFOLD_ALLOW_INSECURE_ISSUER',
    description: 'Allow a plain-http issuer in production (only for closed test networks).',
    expects: 'true or false',
    schema: boolean,
    default: false,
  }),
  trustProxy: option({
    env: 'TWOFOLD_TRUST_PROXY',
    description: 'Trust X-Forwarded-For from a TLS-terminating proxy for the client address. URLs never come from the proxy: they derive from the issuer.',
    expects: 'true or false',
    schema: boolean,
    default: false,
  }),
  proxyHops: option({
    env: 'TWOFOLD_PROXY_HOPS',
    description: 'With TWOFOLD_TRUST_PROXY, how many trusted proxies stand in front of Twofold: the client address is read that many entries from the right of X-Forwarded-For, never from what the client itself sent.',
    expects: 'an integer from 1 to 10',
    schema: z.coerce.number().int().min(1).max(10),
    default: 1,
  }),
  displayName: option({
    env: 'TWOFOLD_DISPLAY_NAME',
    description: 'The name people see in their authenticator app next to their account.',
    expects: 'a name of 1 to 64 characters',
    schema: z.string().trim().min(1).max(64),
    default: 'Twofold',
  }),
  dataDir: option({
    env: 'TWOFOLD_DATA_DIR',
    description: 'Folder for the SQLite database and, in development, generated keys.',
    expects: 'a folder path',
    schema: z.string().min(1),
    default: './data',
  }),
  mongodbUri: option({
    env: 'MONGODB_URI',
    description: 'Keep everything in MongoDB (a replica set) instead of the SQLite file, so several Twofold nodes share one store. Run `twofold db migrate` first. The signing keys, cookie keys and encryption key must then be set: every node needs the same ones.',
    expects: "a connection string such as 'mongodb://db1,db2,db3/twofold?replicaSet=rs0'",
    schema: z.string().trim().regex(/^mongodb(\+srv)?:\/\/\S+$/),
    secret: true,
  }),
  policies: option({
    env: 'TWOFOLD_POLICIES',
    description: 'Folder of policy files (*.yaml), watched for changes.',
    expects: 'a folder path',
    schema: z.string().min(1),
    default: './policies',
  }),
  cookieKeys: option({
    env: 'TWOFOLD_COOKIE_KEYS',
    description: 'Keys that sign cookies, comma-separated, newest first, at least 32 characters each. Generated in development.',
    expects: 'a comma-separated list of strings of 32 or more characters',
    schema: list.pipe(z.array(z.string().min(32)).min(1)),
    secret: true,
  }),
  signingKeysFile: option({
    env: 'TWOFOLD_SIGNING_KEYS_FILE',
    description: 'Path to a JSON Web Key Set with the private keys that sign tokens (needs an RSA key for RS256). Generated in development.',
    expects: 'a file path',
    schema: z.string().min(1),
  }),
  encryptionKey: option({
    env: 'TWOFOLD_ENCRYPTION_KEY',
    description: 'AES-256 key (32 bytes, base64) that encrypts stored secrets: authenticator seeds, phone numbers, client secrets. Generated in development.',
    expects: '32 bytes in base64 (44 characters)',
    schema: z.string().refine((value) => Buffer.from(value, 'base64').length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(value)),
    secret: true,
  }),
  logLevel: option({
    env: 'TWOFOLD_LOG_LEVEL',
    description: 'How much the server logs.',
    expects: `one of ${logLevels.map((l) => `'${l}'`).join(', ')}`,
    schema: z.enum(logLevels),
    default: 'info',
  }),
  logFormat: option({
    env: 'TWOFOLD_LOG_FORMAT',
    description: "How log lines are written: 'json' (one JSON object a line, for a log collector) or 'text' (one readable line). Default: json in production, text otherwise.",
    expects: "one of 'json', 'text'",
    schema: z.enum(logFormats),
  }),
  metricsToken: option({
    env: 'TWOFOLD_METRICS_TOKEN',
    description: 'Serves Prometheus metrics at /metrics to a scraper that sends `Authorization: Bearer <token>`. Without it (or TWOFOLD_METRICS_LISTEN) production serves no metrics; development serves them to anyone.',
    expects: 'a string of 32 or more characters',
    schema: z.string().min(32),
    secret: true,
  }),
  metricsListen: option({
    env: 'TWOFOLD_METRICS_LISTEN',
    description: "Serves /metrics (and /healthz, /readyz) on a separate address and port, such as '127.0.0.1:9464', reachable only where the network allows; the public port then serves no metrics unless TWOFOLD_METRICS_TOKEN is set. With several workers the primary serves it, for all of them.",
    expects: "host:port, such as '127.0.0.1:9464' or '[::1]:9464'",
    schema: z.string().trim().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/).refine((value) => Number(value.slice(value.lastIndexOf(':') + 1)) <= 65535),
  }),
  previousEncryptionKeys: option({
    env: 'TWOFOLD_PREVIOUS_ENCRYPTION_KEYS',
    description: 'Earlier encryption keys, comma-separated: values sealed under them still decrypt while `twofold keys rotate` re-encrypts them under TWOFOLD_ENCRYPTION_KEY.',
    expects: 'a comma-separated list of 32-byte keys in base64',
    schema: list.pipe(z.array(z.string().refine((value) => Buffer.from(value, 'base64').length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(value)))),
    secret: true,
  }),
  shutdownDrain: option({
    env: 'TWOFOLD_SHUTDOWN_DRAIN',
    description: 'On SIGTERM, how long to keep serving while /readyz answers 503, so a load balancer that asks it stops sending new requests before the port closes. Set it to a little more than the balancer needs to notice (its check interval times its failure threshold).',
    expects: "a duration such as '5s'",
    schema: duration,
    default: 0,
  }),
  shutdownGrace: option({
    env: 'TWOFOLD_SHUTDOWN_GRACE',
    description: 'On SIGTERM, how long requests under way may take to finish before their connections are closed.',
    expects: "a duration such as '10s'",
    schema: duration,
    default: 10,
  }),
  keepAlive: option({
    env: 'TWOFOLD_KEEP_ALIVE',
    description: "How long an idle connection stays open for its next request. Set it above the idle timeout of the proxy or load balancer in front (nginx's upstream keepalive_timeout and AWS ALB: 60 s; Google Cloud's load balancers: 600 s, so 620s there), so the balancer, never Twofold, closes a pooled connection.",
    expects: "a duration from '1s' to '1h', such as '65s'",
    schema: duration.refine((seconds) => seconds >= 1 && seconds <= 3600, 'must be from 1 second to 1 hour'),
    default: 65,
  }),
  demo: option({
    env: 'TWOFOLD_DEMO',
    description: 'Seed a demo account and relying party on an empty store and serve the demo app at /demo. Default: on, except in production where it is refused.',
    expects: 'true or false',
    schema: boolean,
  }),
  sessionTtl: option({
    env: 'TWOFOLD_SESSION_TTL',
    description: 'How long a sign-in session lasts before the person signs in again (NIST SP 800-63B-4 asks AAL2 to reauthenticate at least every 24h).',
    expects: "a duration such as '12h' or '1d'",
    schema: duration,
    default: 86400,
  }),
  lockoutThreshold: option({
    env: 'TWOFOLD_LOCKOUT_THRESHOLD',
    description: 'Consecutive failed attempts (second factor or password) that lock the account for a while; each further multiple locks again for twice as long.',
    expects: 'an integer from 3 to 100',
    schema: z.coerce.number().int().min(3).max(100),
    default: 10,
  }),
  lockoutDuration: option({
    env: 'TWOFOLD_LOCKOUT_DURATION',
    description: 'How long the first lock lasts.',
    expects: "a duration such as '15m'",
    schema: duration,
    default: 900,
  }),
  lockoutPermanentAfter: option({
    env: 'TWOFOLD_LOCKOUT_PERMANENT_AFTER',
    description: 'Consecutive failed second-factor attempts after which only an administrator can unlock (`twofold user unlock`). Passwords never lock for good.',
    expects: 'an integer of at least 10',
    schema: z.coerce.number().int().min(10),
    default: 100,
  }),
  networkFailureLimit: option({
    env: 'TWOFOLD_NETWORK_FAILURE_LIMIT',
    description: 'Failed attempts from one network (an IPv4 address or IPv6 /64) within the window, across all accounts, before it is refused.',
    expects: 'an integer of at least 10',
    schema: z.coerce.number().int().min(10),
    default: 100,
  }),
  networkFailureWindow: option({
    env: 'TWOFOLD_NETWORK_FAILURE_WINDOW',
    description: 'The window for the network limit.',
    expects: "a duration such as '15m'",
    schema: duration,
    default: 900,
  }),
  acrPhishingResistant: option({
    env: 'TWOFOLD_ACR_PHISHING_RESISTANT',
    description: 'The acr value announced for phishing-resistant sign-in (passkey or security key).',
    expects: 'a non-empty string',
    schema: z.string().min(1),
    default: 'http://schemas.openid.net/pape/policies/2007/06/phishing-resistant',
  }),
  phone: option({
    env: 'TWOFOLD_PHONE',
    description: "Where texts and calls go: 'development' (the development phone at /dev/phone: nothing leaves the machine), 'twilio', or 'off'. Default: development, except in production where it is off until set.",
    expects: "one of 'development', 'twilio', 'off'",
    schema: z.enum(['development', 'twilio', 'off']),
  }),
  phoneCountry: option({
    env: 'TWOFOLD_PHONE_COUNTRY',
    description: 'The country or region (ISO 3166 code) preselected when someone enters a phone number, and assumed for a number typed without +.',
    expects: "a two-letter region code such as 'US' or 'GB'",
    schema: z.string().trim().toUpperCase().refine(isRegion),
    default: 'US',
  }),
  phoneCallingCodes: option({
    env: 'TWOFOLD_PHONE_CALLING_CODES',
    description: 'Country calling codes Twofold may text and call, comma-separated (toll fraud aims at expensive destinations). Default: the calling code of TWOFOLD_PHONE_COUNTRY.',
    expects: "comma-separated country calling codes such as '1,44'",
    schema: list.pipe(z.array(z.string().transform((code) => code.replace(/^\+/, '')).refine((code) => knownCallingCodes.has(code))).min(1)),
  }),
  phoneLimitPerNumber: option({
    env: 'TWOFOLD_PHONE_LIMIT_PER_NUMBER',
    description: 'Texts and calls to one phone number in an hour, across all accounts.',
    expects: 'an integer from 1 to 1000',
    schema: z.coerce.number().int().min(1).max(1000),
    default: 5,
  }),
  phoneLimitPerAccount: option({
    env: 'TWOFOLD_PHONE_LIMIT_PER_ACCOUNT',
    description: 'Texts and calls for one account in an hour, to any of its numbers.',
    expects: 'an integer from 1 to 1000',
    schema: z.coerce.number().int().min(1).max(1000),
    default: 10,
  }),
  phoneLimitGlobal: option({
    env: 'TWOFOLD_PHONE_LIMIT_GLOBAL',
    description: 'Texts and calls Twofold sends in an hour altogether: the ceiling on what toll fraud can cost.',
    expects: 'an integer of at least 1',
    schema: z.coerce.number().int().min(1),
    default: 1000,
  }),
  phoneCallbackUrl: option({
    env: 'TWOFOLD_PHONE_CALLBACK_URL',
    description: "Public base URL the telephony service calls back (Twilio posts the keys pressed and each call's status under /phone/twilio/ below it); https in production. Default: the issuer.",
    expects: 'an absolute http(s) URL without query or fragment',
    schema: z.url({ protocol: /^https?$/ }).refine((value) => URL.canParse(value) && !new URL(value).search && !new URL(value).hash).transform((value) => value.replace(/\/+$/, '')),
  }),
  twilioAccountSid: option({
    env: 'TWOFOLD_TWILIO_ACCOUNT_SID',
    description: 'With TWOFOLD_PHONE=twilio: the account SID (AC followed by 32 hex digits).',
    expects: 'AC followed by 32 hexadecimal digits',
    schema: z.string().trim().regex(/^AC[0-9a-f]{32}$/),
  }),
  twilioAuthToken: option({
    env: 'TWOFOLD_TWILIO_AUTH_TOKEN',
    description: "With TWOFOLD_PHONE=twilio: the account's auth token; it authenticates API requests and checks the signature of every callback.",
    expects: '32 hexadecimal digits',
    schema: z.string().trim().regex(/^[0-9a-f]{32}$/),
    secret: true,
  }),
  twilioFrom: option({
    env: 'TWOFOLD_TWILIO_FROM',
    description: 'With TWOFOLD_PHONE=twilio: the Twilio number texts and calls come from, in E.164 form.',
    expects: "a number in E.164 form such as '+12125550100'",
    schema: z.string().trim().regex(/^\+[1-9]\d{6,14}$/),
  }),
  twilioApiUrl: option({
    env: 'TWOFOLD_TWILIO_API_URL',
    description: "Twilio's REST API base URL (a regional edge such as https://api.dublin.ie1.twilio.com, or a test double).",
    expects: 'an absolute http(s) URL',
    schema: z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, '')),
    default: 'https://api.twilio.com',
  }),
  fraudBlock: option({
    env: 'TWOFOLD_FRAUD_BLOCK',
    description: "What a fraud report (0# on a call) does to the account's second factor: 'until-unblocked' (blocked until an administrator runs `twofold user unblock`), a duration such as '24h' (blocked that long), or 'off' (the report is recorded, nothing is blocked).",
    expects: "'until-unblocked', 'off', or a duration such as '24h'",
    schema: z.union([z.literal('until-unblocked'), z.literal('off'), duration.refine((seconds) => seconds > 0)]),
    default: 'until-unblocked',
  }),
  adminGroup: option({
    env: 'TWOFOLD_ADMIN_GROUP',
    description: 'The group whose members may use the admin console at /admin and call the admin API with their own access token.',
    expects: "a group name: 1 to 64 letters, digits and . _ -",
    schema: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    default: 'twofold-admins',
  }),
  adminApiClients: option({
    env: 'TWOFOLD_ADMIN_API_CLIENTS',
    description: "Service clients (comma-separated client ids) whose client-credentials tokens with the 'twofold:admin' scope may call the admin API.",
    expects: 'a comma-separated list of client ids',
    schema: list,
  }),
  smtpUrl: option({
    env: 'TWOFOLD_SMTP_URL',
    description: "SMTP server for security notifications (smtp://user:pass@host:587 or smtps://...). Unset: no email, except outside production where they go to the development outbox at /dev/outbox.",
    expects: 'an smtp:// or smtps:// URL',
    schema: z.url({ protocol: /^smtps?$/ }),
    secret: true,
  }),
  mailFrom: option({
    env: 'TWOFOLD_MAIL_FROM',
    description: 'The From address of security notification emails.',
    expects: 'an email address, optionally with a name: Twofold <no-reply@example.com>',
    schema: z.string().min(3).max(254).regex(/@/, 'must contain an email address'),
    default: 'Twofold <no-reply@localhost>',
  }),
  // Each factor's own options (src/factors/<id>/), validated with the rest.
  ...factorOptions,
  workers: option({
    env: 'TWOFOLD_WORKERS',
    description: 'Server processes sharing the port and the store, so every core signs people in. Default: one per core in production, 1 otherwise.',
    expects: 'a whole number from 1 to 64',
    schema: z.coerce.number().int().min(1).max(64),
  }),
} as const;

export type OptionName = keyof typeof optionSpecs;

export interface Config extends FactorConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Undefined until the server knows its port: then http://localhost:<port>. */
  issuer?: string;
  allowInsecureIssuer: boolean;
  trustProxy: boolean;
  proxyHops: number;
  displayName: string;
  dataDir: string;
  /** Set: the MongoDB store; unset: the SQLite file in dataDir. */
  mongodbUri?: string;
  policies: string;
  cookieKeys?: string[];
  signingKeysFile?: string;
  encryptionKey?: string;
  logLevel: LogLevel;
  /** Resolved at load: json in production, text otherwise. */
  logFormat: LogFormat;
  metricsToken?: string;
  metricsListen?: string;
  previousEncryptionKeys?: string[];
  shutdownDrain: number;
  shutdownGrace: number;
  keepAlive: number;
  demo: boolean;
  sessionTtl: number;
  lockoutThreshold: number;
  lockoutDuration: number;
  lockoutPermanentAfter: number;
  networkFailureLimit: number;
  networkFailureWindow: number;
  acrPhishingResistant: string;
  /** Resolved at load: development outside production, off in production. */
  phone: 'development' | 'twilio' | 'off';
  phoneCountry: string;
  /** Resolved at load: the calling code of `phoneCountry` unless set. */
  phoneCallingCodes: string[];
  phoneLimitPerNumber: number;
  phoneLimitPerAccount: number;
  phoneLimitGlobal: number;
  phoneCallbackUrl?: string;
  twilioAccountSid?: string;
  twilioAuthToken?: string;
  twilioFrom?: string;
  twilioApiUrl: string;
  /** Seconds, or 'until-unblocked', or 'off'. */
  fraudBlock: 'until-unblocked' | 'off' | number;
  adminGroup: string;
  smtpUrl?: string;
  mailFrom: string;
  /** Unset: no service client may call the admin API. */
  adminApiClients?: string[];
  workers: number;
}
