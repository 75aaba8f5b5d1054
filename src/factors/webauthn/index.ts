// Security keys and passkeys (WebAuthn): phishing-resistant, because the browser binds every
// answer to the site's origin. Registered with attestation `none` unless the configuration asks
// for a proven model; each sign-in answers a fresh challenge once, and the signature counter
// must move forward. Also a first factor on its own: a passkey found by the browser signs the
// person in without a password (see interactions/passkey.ts).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Router from '@koa/router';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import { StoreConflictError, type Credential } from '../../store/types.js';
import { defineFactor, type FactorDeps } from '../definition.js';
import type { Factor, FactorAccount, VerifyResult } from '../types.js';
import { authenticationOptions, checkAssertion, counterIsFresh } from './authenticateKey.js';
import { type AttestationPolicy, checkRegistration, registrationOptions, userHandle } from './registerKey.js';
import { type RelyingParty, resolveRelyingParty } from './relyingParty.js';
import { parseAuthentication } from './response.js';
import { amrFor, keyOf } from './storedKey.js';

export interface WebauthnOptions {
  rpId?: string;
  origins: string[];
  attestation: AttestationPolicy;
  /** The random source for challenges (base64url); tests pass recorded ones. Default: 32 random bytes. */
  newChallenge?: (ceremony: 'register' | 'authenticate') => string;
}

const randomChallenge = () => randomBytes(32).toString('base64url');

const title = 'Security key or passkey';
/** How long the browser's dialog (and the challenge behind it) stays open. */
const challengeSeconds = 5 * 60;
/** Challenges remembered per key: enough to see a racing replay of a recent answer. */
const recentKept = 5;

/** The browser helper, served from the project (the page's CSP allows scripts from here only). */
export const browserBundlePath = '/public/factors/webauthn/simplewebauthn-browser.js';
// The package exports only its modules; the bundle sits next to them in its folder.
const browserBundle = () => readFileSync(join(dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle', 'index.umd.min.js'));

export function webauthnFactor({ credentials, issuerName, issuer, log, now }: FactorDeps, options: WebauthnOptions): Factor {
  // Checked now, at start: a wrong relying party ID would only show as every ceremony failing.
  const rp: RelyingParty | undefined = resolveRelyingParty(issuer, { rpId: options.rpId, origins: options.origins });
  if (!rp) log?.warn(`webauthn: security keys and passkeys are not offered: ${issuer ? `the issuer's host '${new URL(issuer).hostname}' is not a domain name` : 'no issuer was given'}; set webauthnRpId and webauthnOrigins (TWOFOLD_WEBAUTHN_RP_ID, TWOFOLD_WEBAUTHN_ORIGINS)`);
  const ownKeys = async (accountId: string) => (await credentials.list(accountId)).filter((credential) => credential.method === 'webauthn');
  const challengeOf = (state: Record<string, unknown> | undefined) => (typeof state?.challenge === 'string' ? state.challenge : undefined);
  const newChallenge = options.newChallenge ?? randomChallenge;
  const isExpired = (state: Record<string, unknown> | undefined) => typeof state?.expiresAt === 'number' && state.expiresAt <= now();

  /** Checks an answer from `credential` and records its counter and challenge with a
   * compare-and-set, so that of two requests racing with one answer only one counts. */
  async function settle(credential: Credential, response: AuthenticationResponseJSON, challenge: string): Promise<VerifyResult> {
    if (!rp) return { outcome: 'failed', reason: 'no_credential', detail: 'no relying party configured' };
    const asserted = await checkAssertion(rp, response, credential, challenge);
    if (!asserted.ok) return { outcome: 'failed', reason: asserted.reason, detail: asserted.detail };
    let current: Credential | undefined = credential;
    for (let tries = 0; current && tries < 5; tries++) {
      const key = keyOf(current);
      if (!key) break;
      if (key.recentChallenges.includes(challenge)) return { outcome: 'failed', reason: 'replayed' };
      if (!counterIsFresh(key.counter, asserted.newCounter)) {
        return { outcome: 'failed', reason: 'cloned_key', detail: `possible cloned key: signature counter ${asserted.newCounter} is not above ${key.counter}` };
      }
      const data = { ...current.data, counter: asserted.newCounter, recentChallenges: [challenge, ...key.recentChallenges].slice(0, recentKept) };
      if (await credentials.updateData(current.id, current.version, data, now())) {
        return { outcome: 'ok', credential: current, amr: amrFor(key.kind, asserted.userVerified) };
      }
      current = await credentials.get(current.id);
    }
    return { outcome: 'failed', reason: current ? 'replayed' : 'no_credential' };
  }

  return {
    id: 'webauthn',
    // What a result names: `hwk` or `swk` by the kind of key, with `user` when verified.
    amr: ['hwk', 'swk'],
    phishingResistant: true,
    title,
    description: 'Use a security key (USB, NFC) or a passkey on this device or your phone. It works only on this site, so a fake page cannot use it.',
    waiting: 'browser',
    wording: {
      submit: 'Continue',
      failed: "That security key or passkey didn't work. Try again, or choose another way to verify.",
    },
    script: 'webauthn.js',
    // A host that gave neither an issuer nor a relying party cannot offer keys at all.
    enroll: rp && {
      async begin(account: FactorAccount) {
        const existing = (await ownKeys(account.id)).flatMap((credential) => {
          const key = keyOf(credential);
          return key && credential.externalId ? [{ id: credential.externalId, transports: key.transports }] : [];
        });
        const creation = await registrationOptions(rp, issuerName, account, existing, options.attestation, newChallenge('register'));
        return { view: { options: JSON.stringify(creation), ceremony: 'register', bundle: browserBundlePath }, pending: { challenge: creation.challenge } };
      },
      async finish(account, pending, form, claim) {
        const challenge = challengeOf(pending);
        if (!challenge) return { outcome: 'failed', reason: 'no_credential' };
        const registered = await checkRegistration(rp, form.response, challenge, options.attestation);
        if (!registered.ok) return { outcome: 'failed', reason: registered.reason, detail: registered.detail };
        if (!(await claim())) return { outcome: 'failed', reason: 'replayed' };
        const label = form.label?.trim().slice(0, 64) || null;
        try {
          const credential = await credentials.add({ accountId: account.id, method: 'webauthn', label, externalId: registered.externalId, data: registered.key });
          return { outcome: 'ok', credential, amr: amrFor(registered.key.kind, registered.userVerified) };
        } catch (error) {
          if (error instanceof StoreConflictError) return { outcome: 'failed', reason: 'not_allowed', detail: 'credential already registered' };
          throw error;
        }
      },
    },
    // Without a relying party (see enroll) there is no ceremony to start, and nothing to offer
    // on the sign-in page; an answer then fails like any other.
    challenge: rp && (async (account) => {
      const request = await authenticationOptions(rp, await ownKeys(account.id), newChallenge('authenticate'));
      const state = { challenge: request.challenge, expiresAt: now() + challengeSeconds * 1000 };
      return { view: { options: JSON.stringify(request), ceremony: 'authenticate', bundle: browserBundlePath }, state, expiresIn: challengeSeconds };
    }),
    async verify({ credentials: candidates, form, state }) {
      if (isExpired(state)) return { outcome: 'expired' };
      const response = parseAuthentication(form.response);
      const challenge = challengeOf(state);
      if (!response || !challenge) return { outcome: 'failed', reason: 'malformed' };
      // Only the person's own keys: a removed key, or another person's, is no credential here.
      const credential = candidates.find((candidate) => candidate.method === 'webauthn' && candidate.externalId === response.id);
      if (!credential) return { outcome: 'failed', reason: 'no_credential' };
      return settle(credential, response, challenge);
    },
    firstFactor: rp && {
      async challenge() {
        // No keys listed: the browser offers the passkeys it holds for this site.
        const request = await authenticationOptions(rp, [], newChallenge('authenticate'));
        const state = { challenge: request.challenge, expiresAt: now() + challengeSeconds * 1000 };
        return { view: { options: JSON.stringify(request), bundle: browserBundlePath }, state, expiresIn: challengeSeconds };
      },
      async verify(form, state) {
        if (isExpired(state)) return { outcome: 'expired' };
        const response = parseAuthentication(form.response);
        const challenge = challengeOf(state);
        if (!response || !challenge) return { outcome: 'failed', reason: 'malformed' };
        const credential = await credentials.findByExternalId('webauthn', response.id);
        if (!credential) return { outcome: 'failed', reason: 'no_credential', detail: 'unknown or removed key' };
        // The authenticator names its owner too; it must be the account the key was added to.
        const handle = response.response.userHandle;
        if (handle && handle !== userHandle(credential.accountId).toString('base64url')) {
          return { outcome: 'failed', reason: 'wrong_code', detail: 'user handle does not match the key\'s account' };
        }
        return settle(credential, response, challenge);
      },
    },
    describe(credential) {
      return credential.label ? `${title} (${credential.label})` : title;
    },
    routes() {
      const router = new Router();
      const body = browserBundle();
      router.get(browserBundlePath, (ctx) => {
        ctx.set('Cache-Control', 'public, max-age=3600');
        ctx.type = 'text/javascript; charset=utf-8';
        ctx.body = body;
      });
      return router;
    },
  };
}

const list = z.union([z.array(z.string()), z.string()]).transform((value) =>
  (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim()).filter(Boolean));

export const webauthnDefinition = defineFactor({
  id: 'webauthn',
  options: {
    webauthnRpId: {
      env: 'TWOFOLD_WEBAUTHN_RP_ID',
      description: "The relying party ID passkeys are bound to: the issuer's host name, or a parent domain of it (login.example.com or example.com). Default: the issuer's host name. Changing it makes every registered key unusable.",
      expects: 'a domain name such as example.com',
      schema: z.string().trim().toLowerCase().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/),
      default: undefined as string | undefined,
    },
    webauthnOrigins: {
      env: 'TWOFOLD_WEBAUTHN_ORIGINS',
      description: "Origins allowed to answer a passkey ceremony, comma-separated (https, on the relying party ID). Default: the issuer's origin.",
      expects: 'a comma-separated list of origins such as https://login.example.com',
      schema: list,
      default: undefined as string[] | undefined,
    },
    webauthnAttestation: {
      env: 'TWOFOLD_WEBAUTHN_ATTESTATION',
      description: "'none' accepts any authenticator; 'direct' asks the authenticator to prove its model and refuses one that does not (see webauthnAllowedAaguids).",
      expects: "'none' or 'direct'",
      schema: z.enum(['none', 'direct']),
      default: 'none' as 'none' | 'direct',
    },
    webauthnAllowedAaguids: {
      env: 'TWOFOLD_WEBAUTHN_ALLOWED_AAGUIDS',
      description: "With webauthnAttestation 'direct': the authenticator models (AAGUIDs) that may be registered, comma-separated. Empty: any model that proves itself.",
      expects: 'a comma-separated list of AAGUIDs such as cb69481e-8ff7-4039-93ec-0a2729a154a8',
      schema: list.pipe(z.array(z.string().toLowerCase().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/))),
      default: undefined as string[] | undefined,
    },
  },
  create: (deps, config) => webauthnFactor(deps, {
    rpId: config.webauthnRpId,
    origins: config.webauthnOrigins ?? [],
    attestation: { conveyance: config.webauthnAttestation, allowedAaguids: config.webauthnAllowedAaguids ?? [] },
  }),
});
