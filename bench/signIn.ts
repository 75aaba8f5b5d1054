// One person's sign-in, the way a browser and a relying party make it: the authorization
// request, the password page, the authenticator code, and the code exchange with PKCE, each
// step timed. Pages are recognised by their fields, so Twofold and the minimal app both work.
import type { Agent } from 'node:http';
import * as oidc from 'openid-client';
import type { BenchAccount } from './accountPool.js';
import { Browser, type Form, forms, type Response } from './browser.js';

export const signInSteps = ['authorize', 'password', 'secondFactor', 'token'] as const;
export type SignInStep = (typeof signInSteps)[number];

export interface RelyingParty {
  config: oidc.Configuration;
  redirectUri: string;
}

export interface SignInResult {
  ms: Record<SignInStep, number>;
  /** HTTP requests the browser made (the token request not counted). */
  roundTrips: number;
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
}

const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

function formWith(page: Response, input: string): Form {
  const form = forms(page).find((f) => f.inputs.includes(input));
  if (!form) throw new Error(`expected a page asking for '${input}' at ${page.url.pathname} (status ${page.status}): ${page.body.replace(/\s+/g, ' ').slice(0, 300)}`);
  return form;
}

/** `afterStep` is called as each step ends (bench/steps.ts reads the server's CPU there). */
export async function signIn(agent: Agent, rp: RelyingParty, person: { account: BenchAccount; code: () => Promise<string> }, params: Record<string, string> = {}, afterStep?: (step: SignInStep) => void): Promise<SignInResult> {
  const browser = new Browser(agent);
  const verifier = oidc.randomPKCECodeVerifier();
  const checks = { pkceCodeVerifier: verifier, expectedState: oidc.randomState(), expectedNonce: oidc.randomNonce() };
  const url = oidc.buildAuthorizationUrl(rp.config, {
    redirect_uri: rp.redirectUri, scope: 'openid', state: checks.expectedState, nonce: checks.expectedNonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...params,
  });
  const ms = {} as Record<SignInStep, number>;

  let start = process.hrtime.bigint();
  const loginPage = await browser.follow(await browser.send('GET', url), rp.redirectUri);
  ms.authorize = elapsed(start);
  afterStep?.('authorize');

  start = process.hrtime.bigint();
  const login = formWith(loginPage, 'password');
  const codePage = await browser.follow(await browser.send('POST', login.action, { ...login.fields, username: person.account.username, password: person.account.password }), rp.redirectUri);
  ms.password = elapsed(start);
  afterStep?.('password');

  start = process.hrtime.bigint();
  const verify = formWith(codePage, 'code');
  const back = await browser.follow(await browser.send('POST', verify.action, { ...verify.fields, code: await person.code() }), rp.redirectUri);
  if (!back.location) throw new Error(`the code was not accepted: status ${back.status} at ${back.url.pathname}: ${back.body.replace(/\s+/g, ' ').slice(0, 300)}`);
  ms.secondFactor = elapsed(start);
  afterStep?.('secondFactor');

  start = process.hrtime.bigint();
  const tokens = await oidc.authorizationCodeGrant(rp.config, back.location, checks).catch((error: Error) => {
    throw new Error(`the code exchange: ${error.message} after ${Math.round(elapsed(start))} ms`, { cause: error });
  });
  const claims = tokens.claims();
  // The ID token must say that both factors were used.
  const amr = (claims?.amr as string[] | undefined) ?? [];
  if (!amr.includes('otp') || !amr.includes('mfa')) throw new Error(`the ID token's amr is ${JSON.stringify(amr)}, not pwd + otp + mfa`);
  ms.token = elapsed(start);
  afterStep?.('token');
  return { ms, roundTrips: browser.requests, tokens };
}
