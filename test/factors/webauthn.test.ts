// The WebAuthn factor against responses recorded from Chromium's virtual authenticator
// (recordings.json, made by record.ts): the lifecycle contract, amr by kind and user
// verification, the signature counter, the relying party and its origins, attestation rules,
// and passwordless sign-in.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/configError.js';
import { createSecretBox } from '../../src/crypto/secretBox.js';
import type { FactorDeps } from '../../src/factors/definition.js';
import { counterIsFresh } from '../../src/factors/webauthn/authenticateKey.js';
import { type WebauthnOptions, webauthnFactor } from '../../src/factors/webauthn/index.js';
import { resolveRelyingParty } from '../../src/factors/webauthn/relyingParty.js';
import { kindOf } from '../../src/factors/webauthn/storedKey.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Credential, MfaStore } from '../../src/store/types.js';
import { tempDir } from '../helpers/tempDir.js';
import { describeFactorContract } from './contract.js';

const recorded = JSON.parse(readFileSync(new URL('./webauthn/recordings.json', import.meta.url), 'utf8'));
const { verified, second, unverified } = recorded.authentications;
const answer = (response: unknown) => ({ response: JSON.stringify(response) });
/** A well-formed answer that is wrong for every ceremony here: another ceremony's client data. */
const wrongAnswer = answer({
  ...recorded.registration.response,
  response: { ...unverified.response.response, attestationObject: recorded.registration.response.response.attestationObject },
});

/** Hands out the recorded challenges first, then random ones, as the browser recorded them. */
function recordedChallenges(): WebauthnOptions['newChallenge'] {
  const queues = { register: [recorded.registration.challenge], authenticate: [verified.challenge] };
  return (ceremony) => queues[ceremony].shift() ?? randomBytes(32).toString('base64url');
}

const options = (extra: Partial<WebauthnOptions> = {}): WebauthnOptions => ({
  origins: [recorded.origin], attestation: { conveyance: 'none', allowedAaguids: [] }, newChallenge: recordedChallenges(), ...extra,
});
const deps = (store: MfaStore, now: () => number): FactorDeps => ({ credentials: store.credentials, issuerName: 'Twofold Test', issuer: 'http://localhost:3000', now });
const account = { id: recorded.accountId, username: 'recorded' };

describeFactorContract('webauthn', { enrolls: true, challenges: true, outOfBand: false, resends: false }, (store, clock) => {
  const factor = webauthnFactor(deps(store, clock.now), options());
  return {
    factor,
    async setUp(person) {
      const start = await factor.enroll!.begin(person, {});
      if ('error' in start) throw new Error(start.error);
      const result = await factor.enroll!.finish(person, start.pending, answer(recorded.registration.response), async () => true);
      if (result.outcome !== 'ok') throw new Error(`setup failed: ${JSON.stringify(result)}`);
      return result.credential;
    },
    proveSetup: async () => answer(recorded.registration.response),
    proveSignIn: async () => answer(verified.response),
    wrongAnswer,
  };
});

describe('webauthn factor', () => {
  let store: MfaStore;
  let time = 1_700_000_000_000;
  const now = () => time;
  beforeEach(async () => {
    time = 1_700_000_000_000;
    store = await openSqliteStore({ file: join(tempDir(), 'db'), box: createSecretBox(randomBytes(32)), now });
  });
  afterEach(() => store.close());

  async function registered(extra: Partial<WebauthnOptions> = {}) {
    const factor = webauthnFactor(deps(store, now), options(extra));
    const start = await factor.enroll!.begin(account, {});
    if ('error' in start) throw new Error(start.error);
    const result = await factor.enroll!.finish(account, start.pending, { ...answer(recorded.registration.response), label: '  Blue key  ' }, async () => true);
    return { factor, result, start };
  }
  const credentialOf = async () => (await store.credentials.list(account.id))[0]!;
  const signIn = async (factor: ReturnType<typeof webauthnFactor>, credential: Credential, response: unknown, challenge: string) =>
    factor.verify({ account, credentials: [credential], form: answer(response), state: { challenge, expiresAt: time + 60_000 } });

  test('registers a key with what is needed to check it later, and its name', async () => {
    const { result, start } = await registered();
    expect(JSON.parse(start.view.options as string)).toMatchObject({
      challenge: recorded.registration.challenge, rp: { id: 'localhost', name: 'Twofold Test' }, attestation: 'none',
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    expect(result).toMatchObject({ outcome: 'ok', amr: ['hwk', 'user'] });
    const credential = await credentialOf();
    expect(credential).toMatchObject({ method: 'webauthn', label: 'Blue key', externalId: recorded.registration.response.id, secret: null });
    expect(credential.data).toMatchObject({ kind: 'security-key', transports: ['usb'], deviceType: 'singleDevice', backedUp: false, discoverable: true, aaguid: expect.any(String) });
  });

  test('says hwk for a security key, swk for a passkey, and user only when the person was verified', async () => {
    const { factor } = await registered();
    const credential = await credentialOf();
    expect(await signIn(factor, credential, verified.response, verified.challenge)).toMatchObject({ outcome: 'ok', amr: ['hwk', 'user'] });
    // The same key stored as a passkey (as a synced or platform one would be).
    const after = await credentialOf();
    await store.credentials.updateData(after.id, after.version, { ...after.data, kind: 'passkey' }, time);
    expect(await signIn(factor, await credentialOf(), second.response, second.challenge)).toMatchObject({ outcome: 'ok', amr: ['swk', 'user'] });
    // Answered with the user-verified flag clear.
    expect(await signIn(factor, await credentialOf(), unverified.response, unverified.challenge)).toMatchObject({ outcome: 'ok', amr: ['swk'] });
    expect(kindOf({ deviceType: 'multiDevice', transports: ['usb'] })).toBe('passkey');
    expect(kindOf({ deviceType: 'singleDevice', attachment: 'platform', transports: [] })).toBe('passkey');
    expect(kindOf({ deviceType: 'singleDevice', transports: ['hybrid'] })).toBe('passkey');
    expect(kindOf({ deviceType: 'singleDevice', attachment: 'cross-platform', transports: ['usb', 'nfc'] })).toBe('security-key');
  });

  test('keeps the counter, and refuses an answer whose counter went back as a possible cloned key', async () => {
    const { factor } = await registered();
    // The later answer first: its counter is stored, so the earlier one now looks like a copy.
    expect(await signIn(factor, await credentialOf(), second.response, second.challenge)).toMatchObject({ outcome: 'ok' });
    const counter = (await credentialOf()).data.counter as number;
    expect(counter).toBeGreaterThan(0);
    expect(await signIn(factor, await credentialOf(), verified.response, verified.challenge)).toMatchObject({
      outcome: 'failed', reason: 'cloned_key', detail: expect.stringMatching(/^possible cloned key: signature counter \d+ is not above \d+$/),
    });
    expect((await credentialOf()).data.counter).toBe(counter);
  });

  test('lets a key that always reports 0 through every time; any other counter must move forward', () => {
    // Chromium's authenticator counts, so this rule is checked on its own (WebAuthn §6.1.1).
    expect([counterIsFresh(0, 0), counterIsFresh(0, 1), counterIsFresh(5, 6), counterIsFresh(5, 5), counterIsFresh(5, 0), counterIsFresh(5, 4)])
      .toEqual([true, true, true, false, false, false]);
  });

  test('refuses an answer from another origin or for another relying party ID, with the reason for the log', async () => {
    await registered();
    const credential = await credentialOf();
    // The issuer must be on the relying party ID: this one is configured for another site.
    expect(() => webauthnFactor({ ...deps(store, now), issuer: 'https://login.example.com' }, options({ rpId: 'localhost' }))).toThrow(ConfigError);
    const otherOrigin = webauthnFactor({ ...deps(store, now), issuer: 'https://login.example.com' }, options({ origins: ['https://login.example.com'], rpId: 'example.com' }));
    const result = await signIn(otherOrigin, credential, verified.response, verified.challenge);
    expect(result).toMatchObject({ outcome: 'failed', reason: 'wrong_code', detail: expect.stringContaining('origin') });
  });

  test('refuses an expired challenge, and a key that is not the person\'s', async () => {
    const { factor } = await registered();
    const credential = await credentialOf();
    expect(await factor.verify({ account, credentials: [credential], form: answer(verified.response), state: { challenge: verified.challenge, expiresAt: time - 1 } })).toEqual({ outcome: 'expired' });
    expect(await factor.verify({ account, credentials: [{ ...credential, externalId: 'someone-else' }], form: answer(verified.response), state: { challenge: verified.challenge } })).toMatchObject({ outcome: 'failed', reason: 'no_credential' });
  });

  test('with direct attestation required, refuses a key that proves no model', async () => {
    const { result } = await registered({ attestation: { conveyance: 'direct', allowedAaguids: [] } });
    expect(result).toMatchObject({ outcome: 'failed', reason: 'not_allowed', detail: expect.stringContaining('direct attestation is required') });
    expect(await store.credentials.list(account.id)).toEqual([]);
  });

  test('with direct attestation and an allow-list, takes only the listed models', async () => {
    const { challenge, response } = recorded.directRegistration;
    const attempt = async (allowedAaguids: string[]) => {
      const factor = webauthnFactor(deps(store, now), options({ attestation: { conveyance: 'direct', allowedAaguids }, newChallenge: () => challenge }));
      const start = await factor.enroll!.begin(account, {});
      if ('error' in start) throw new Error(start.error);
      expect(JSON.parse(start.view.options as string).attestation).toBe('direct');
      return factor.enroll!.finish(account, start.pending, answer(response), async () => true);
    };
    // Chromium's virtual authenticator states its model in a packed attestation.
    const chromiumModel = '01020304-0506-0708-0102-030405060708';
    expect(await attempt(['cb69481e-8ff7-4039-93ec-0a2729a154a8'])).toMatchObject({ outcome: 'failed', reason: 'not_allowed', detail: `authenticator model ${chromiumModel} is not on the allow-list` });
    expect(await store.credentials.list(account.id)).toEqual([]);
    expect(await attempt([chromiumModel])).toMatchObject({ outcome: 'ok' });
    expect((await credentialOf()).data.aaguid).toBe(chromiumModel);
  });

  test('signs in without a username: the key names its account, once per challenge', async () => {
    const { factor } = await registered();
    const state = { challenge: verified.challenge, expiresAt: time + 60_000 };
    const first = await factor.firstFactor!.verify(answer(verified.response), state);
    expect(first).toMatchObject({ outcome: 'ok', amr: ['hwk', 'user'], credential: { accountId: account.id } });
    expect(await factor.firstFactor!.verify(answer(verified.response), state)).toMatchObject({ outcome: 'failed', reason: 'replayed' });
    await store.credentials.remove(account.id, (await credentialOf()).id);
    expect(await factor.firstFactor!.verify(answer(second.response), { challenge: second.challenge })).toMatchObject({ outcome: 'failed', reason: 'no_credential' });
  });

  test('offers the passwordless ceremony with no keys listed, and a fresh challenge each time', async () => {
    const factor = webauthnFactor(deps(store, now), options({ newChallenge: undefined }));
    const [a, b] = [await factor.firstFactor!.challenge(), await factor.firstFactor!.challenge()];
    expect(JSON.parse(a.view.options as string)).toMatchObject({ rpId: 'localhost', allowCredentials: [], userVerification: 'preferred' });
    expect(a.state.challenge).not.toBe(b.state.challenge);
    expect(Buffer.from(a.state.challenge as string, 'base64url')).toHaveLength(32);
  });
});

describe('relying party', () => {
  test.each([
    ['the issuer alone', 'https://login.example.com', {}, { id: 'login.example.com', origins: ['https://login.example.com'] }],
    ['a parent domain and two origins', 'https://login.example.com', { rpId: 'example.com', origins: ['https://login.example.com', 'https://example.com'] }, { id: 'example.com', origins: ['https://login.example.com', 'https://example.com'] }],
    ['localhost over http', 'http://localhost:3000', {}, { id: 'localhost', origins: ['http://localhost:3000'] }],
  ])('%s', (_, issuer, configured, expected) => {
    expect(resolveRelyingParty(issuer, { origins: [], ...configured })).toEqual(expected);
  });

  test('is refused at start when it does not fit the issuer, naming every problem', () => {
    const attempt = () => resolveRelyingParty('https://login.example.com', { rpId: 'example.org', origins: ['http://login.example.com', 'https://evil.example.net/path'] });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        "webauthn: origin 'http://login.example.com' must be https (browsers allow plain http only on localhost)",
        "webauthn: origin 'http://login.example.com' is not on the relying party ID 'example.org': browsers would refuse every passkey ceremony there",
        "webauthn: option 'webauthnOrigins' must list origins such as https://login.example.com (no path) but has 'https://evil.example.net/path'",
        "webauthn: relying party ID 'example.org' does not cover the issuer's host 'login.example.com': the sign-in pages could not use passkeys",
      ]);
    }
    expect(resolveRelyingParty('https://10.0.0.1', { origins: [] })).toBeUndefined();
    expect(() => resolveRelyingParty('https://10.0.0.1', { rpId: '10.0.0.1', origins: [] })).toThrow(ConfigError);
  });

  test('is absent for a host that gives neither an issuer nor the options', () => {
    expect(resolveRelyingParty(undefined, { origins: [] })).toBeUndefined();
  });
});
