// oidcc-discovery-endpoint-verification, and more: every value the discovery document
// advertises is one a relying party can use, because a test uses it. A value added to discovery
// without a test here (and the test it names) fails this file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** For each advertised value, the test (file: start of its name) that uses it as a relying party would. */
const exercisedBy: Record<string, Record<string, string>> = {
  acr_values_supported: {
    'https://refeds.org/profile/sfa': 'conformance-acr: essential acr (Core 5.5.1.1): sfa asked of a multi-factor session',
    'https://refeds.org/profile/mfa': 'conformance-acr: essential acr (Core 5.5.1.1): mfa asked of a password sign-in',
    'http://schemas.openid.net/pape/policies/2007/06/phishing-resistant': 'conformance-acr: essential acr (Core 5.5.1.1): phishing-resistant asked of someone',
  },
  claims_supported: {
    sub: 'conformance-basic: oidcc-scope-all', acr: 'conformance-acr: essential acr (Core 5.5.1.1): of several values', amr: 'conformance-acr: essential acr (Core 5.5.1.1): sfa asked',
    auth_time: 'oidc-flow: a password sign-in yields tokens', name: 'conformance-basic: oidcc-scope-all', preferred_username: 'conformance-basic: oidcc-scope-all',
    email: 'conformance-basic: oidcc-scope-email', email_verified: 'conformance-basic: oidcc-scope-email', phone_number: 'conformance-basic: oidcc-scope-email',
    phone_number_verified: 'conformance-basic: oidcc-scope-email', groups: 'conformance-basic: oidcc-scope-all', sid: 'conformance-basic: the claims parameter can ask for sid',
    iss: 'conformance-basic: oidcc-idtoken-rs256',
  },
  code_challenge_methods_supported: { S256: 'conformance-basic: oidcc-ensure-request-with-valid-pkce-succeeds' },
  grant_types_supported: {
    authorization_code: 'oidc-flow: a password sign-in yields tokens', refresh_token: 'oidc-flow: a password sign-in yields tokens',
    client_credentials: 'clients: a client-credentials client',
    password: 'app-passwords: a legacy app gets tokens with an app password',
  },
  response_modes_supported: {
    query: 'oidc-flow: a password sign-in yields tokens', fragment: 'conformance-basic: oidcc-server [response_mode=fragment]',
    form_post: 'conformance-basic: oidcc-server [response_mode=form_post]',
  },
  response_types_supported: { code: 'oidc-flow: a password sign-in yields tokens' },
  scopes_supported: {
    openid: 'oidc-flow: a password sign-in yields tokens', offline_access: 'oidc-flow: a password sign-in yields tokens', profile: 'conformance-basic: oidcc-scope-all',
    email: 'conformance-basic: oidcc-scope-all', phone: 'conformance-basic: oidcc-scope-all', groups: 'conformance-basic: oidcc-scope-all',
    'twofold:admin': 'admin-access: a listed service client with the admin scope gets in',
  },
  subject_types_supported: { public: 'conformance-basic: oidcc-scope-all' },
  token_endpoint_auth_methods_supported: {
    client_secret_basic: 'oidc-flow: a password sign-in yields tokens', client_secret_post: 'conformance-basic: oidcc-server-client-secret-post',
    client_secret_jwt: 'conformance-basic: oidcc-server [client_auth_type=client_secret_jwt]', private_key_jwt: 'conformance-basic: oidcc-server [client_auth_type=private_key_jwt]',
    none: 'security-info',
  },
  token_endpoint_auth_signing_alg_values_supported: {
    HS256: 'conformance-basic: oidcc-server [client_auth_type=client_secret_jwt]', RS256: 'conformance-basic: oidcc-server [client_auth_type=private_key_jwt]',
    PS256: 'conformance-basic: oidcc-server [client_auth_type=private_key_jwt]', ES256: 'conformance-basic: oidcc-server [client_auth_type=private_key_jwt]',
    Ed25519: 'conformance-basic: oidcc-server [client_auth_type=private_key_jwt]', EdDSA: 'conformance-basic: oidcc-server [client_auth_type=private_key_jwt]',
  },
  id_token_signing_alg_values_supported: { RS256: 'conformance-basic: oidcc-idtoken-rs256:', ES256: 'conformance-basic: oidcc-idtoken-rs256 [ES256]' },
  dpop_signing_alg_values_supported: { ES256: 'conformance-basic: DPoP (RFC 9449)', Ed25519: 'conformance-basic: DPoP (RFC 9449)', EdDSA: 'conformance-basic: DPoP (RFC 9449)' },
  claim_types_supported: { normal: 'conformance-basic: oidcc-scope-all' },
};

const endpoints: Record<string, string> = {
  authorization_endpoint: 'conformance-post: oidcc-ensure-post-request-succeeds', token_endpoint: 'oidc-flow: a password sign-in yields tokens',
  userinfo_endpoint: 'conformance-basic: oidcc-scope-all', jwks_uri: 'conformance-basic: oidcc-idtoken-rs256', end_session_endpoint: 'conformance-logout: oidcc-backchannel-rp-initiated-logout',
  introspection_endpoint: 'clients: a client-credentials client', revocation_endpoint: 'conformance-basic: token revocation (RFC 7009 2.1)',
  pushed_authorization_request_endpoint: 'conformance-basic: pushed authorization request (RFC 9126)',
};

const flags: Record<string, [unknown, string]> = {
  claims_parameter_supported: [true, 'conformance-basic: oidcc-claims-essential'],
  authorization_response_iss_parameter_supported: [true, 'conformance-basic: oidcc-server [response_mode=form_post]'],
  request_uri_parameter_supported: [false, 'not offered: only pushed authorization requests'],
  backchannel_logout_supported: [true, 'conformance-logout: oidcc-backchannel-rp-initiated-logout'],
  backchannel_logout_session_supported: [true, 'conformance-logout: oidcc-backchannel-rp-initiated-logout'],
};

let server: TestServer;
let metadata: Record<string, unknown>;
beforeAll(async () => {
  server = await startTestServer();
  metadata = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
});
afterAll(() => server.stop());

/** Test names in test/integration, by file. */
const testNames = (() => {
  const dir = join(process.cwd(), 'test/integration');
  const names = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    names.set(file.replace('.test.ts', ''), [...text.matchAll(/(?:\btest\(|\]\)\(|\)\()\s*(['"])((?:\\.|(?!\1).)*)\1/gs)].map((m) => m[2]!.replace(/\\'/g, "'")).join('\n'));
  }
  return names;
})();

const exists = (reference: string) => {
  if (reference.startsWith('not offered')) return true;
  const [file, start] = reference.split(/: (.*)/s) as [string, string | undefined];
  const names = testNames.get(file);
  return names !== undefined && (start === undefined || names.split('\n').some((name) => name.startsWith(start)));
};

test('oidcc-discovery-endpoint-verification: the issuer and every endpoint are where discovery says, on this issuer', () => {
  expect(metadata.issuer).toBe(server.issuer);
  for (const key of Object.keys(endpoints)) expect([key, String(metadata[key]).startsWith(`${server.issuer}/`)]).toEqual([key, true]);
});

test('every value discovery advertises names a test that uses it, and that test exists', () => {
  const unexercised: string[] = [];
  for (const [key, value] of Object.entries(metadata)) {
    if (key === 'issuer') continue;
    if (key in endpoints) {
      if (!exists(endpoints[key]!)) unexercised.push(`${key}: ${endpoints[key]}`);
    } else if (key in flags) {
      if (flags[key]![0] !== value) unexercised.push(`${key} is ${JSON.stringify(value)}, expected ${JSON.stringify(flags[key]![0])}`);
      else if (!exists(flags[key]![1])) unexercised.push(`${key}: ${flags[key]![1]}`);
    } else if (Array.isArray(value)) {
      for (const item of value) {
        const reference = exercisedBy[key]?.[String(item)];
        if (!reference || !exists(reference)) unexercised.push(`${key}: ${String(item)}${reference ? ` (no test '${reference}')` : ''}`);
      }
    } else {
      unexercised.push(`${key}: ${JSON.stringify(value)}`);
    }
  }
  expect(unexercised).toEqual([]);
});
