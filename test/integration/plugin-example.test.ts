// The plugin example (examples/plugin-host): a plain oidc-provider app with its own accounts
// and login page gains Twofold's policy, enrollment and second factor.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { acrMfa } from '../../src/provider/acr.js';
import { type PluginHost, startPluginHost } from '../../examples/plugin-host/server.js';
import { totpCode } from '../../src/factors/otpCodes.js';
import { policyWith } from '../helpers/server.js';
import { setupKey } from '../helpers/mfa.js';
import { tempDir } from '../helpers/tempDir.js';
import { createLogger } from '../../src/log.js';
import { UserAgent } from '../helpers/userAgent.js';

let host: PluginHost;
let config: oidc.Configuration;

beforeAll(async () => {
  const dataDir = tempDir();
  const policyDir = join(dataDir, 'policies');
  mkdirSync(policyDir);
  writeFileSync(join(policyDir, 'policy.yaml'), policyWith('require: mfa\nmethods: [totp]\nenrollment: required'));
  // Twofold's messages go to the host's logger; here, into memory, out of the test output.
  host = await startPluginHost({ dataDir, policyDir, log: createLogger('silent') });
  config = await oidc.discovery(new URL(host.issuer), host.clientId, undefined, oidc.ClientSecretBasic(host.clientSecret), { execute: [oidc.allowInsecureRequests] });
});
afterAll(() => host.close());

async function begin() {
  const checks = { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: oidc.randomState(), expectedNonce: oidc.randomNonce() };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: host.redirectUri, scope: 'openid', state: checks.expectedState, nonce: checks.expectedNonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(checks.pkceCodeVerifier), code_challenge_method: 'S256',
  });
  return { url: url.href, checks };
}

test('the host signs people in with its own password page, then Twofold enrols and asks for the second factor', async () => {
  const agent = new UserAgent(host.issuer);
  const first = await begin();
  const login = await agent.follow(first.url, host.redirectUri);
  expect(login.html).toContain('Sign in to the host');
  const wrong = await agent.submit(login, /\/login$/, { username: 'ada', password: 'wrong' }, host.redirectUri);
  expect(wrong.html).toContain('Wrong username or password.');

  const intro = await agent.submit(login, /\/login$/, { username: 'ada', password: 'analytical engine' }, host.redirectUri);
  expect(intro.html).toContain('More information required');
  const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, {}, host.redirectUri);
  const secret = setupKey(setup.html);
  const now = Math.floor(Date.now() / 1000);
  const confirmation = await agent.submit(setup, /\/mfa\/enroll\/finish$/, { code: await totpCode(secret, now) }, host.redirectUri);
  expect(confirmation.html).toContain('Your authenticator app is set up.');
  const back = await agent.submit(confirmation, /\/mfa\/done$/, {}, host.redirectUri);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location!), first.checks);
  expect(tokens.claims()).toMatchObject({ sub: 'ada', amr: ['pwd', 'otp', 'mfa'], acr: acrMfa });

  // In a new browser, after the host's password page, Twofold asks for the code.
  const other = new UserAgent(host.issuer);
  const second = await begin();
  const login2 = await other.follow(second.url, host.redirectUri);
  const verify = await other.submit(login2, /\/login$/, { username: 'ada', password: 'analytical engine' }, host.redirectUri);
  expect(verify.html).toContain('Verify your identity');
  // Twofold's pages bring their own security headers into a host that sets none.
  expect(verify.headers).toMatchObject({ 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  expect(verify.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  const done = await other.submit(verify, /\/mfa\/verify$/, { code: await totpCode(secret, now + 30) }, host.redirectUri);
  expect((await oidc.authorizationCodeGrant(config, new URL(done.location!), second.checks)).claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'] });
});
