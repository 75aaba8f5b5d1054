// The push method through the factor lifecycle, with a device key made here answering through
// the same device service the HTTP endpoints use.
import { createPrivateKey, generateKeyPairSync, type JsonWebKey, sign } from 'node:crypto';
import { pushDevices } from '../../src/factors/push/devices.js';
import { pushFactor } from '../../src/factors/push/index.js';
import { activationMessage, answerMessage } from '../../src/factors/push/protocol.js';
import type { Credential, MfaStore } from '../../src/store/types.js';
import { openStandInMongoStore } from '../helpers/mongoStandIn.js';
import { describeFactorContract, type FactorClock, type FactorKind, type FactorUnderTest } from './contract.js';

function deviceKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const privateJwk: JsonWebKey = privateKey.export({ format: 'jwk' });
  return {
    publicKey: { kty, crv, x, y } as Record<string, unknown>,
    sign: (message: string) => sign('sha256', Buffer.from(message), { key: createPrivateKey({ key: privateJwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }).toString('base64url'),
  };
}

function pushUnderTest(store: MfaStore, now: () => number) {
  const factor = pushFactor({ credentials: store.credentials, push: store.push, issuerName: 'Twofold Test', issuer: 'https://id.example.com', now }, { pollMs: 1000 });
  const devices = pushDevices({ credentials: store.credentials, push: store.push, issuerName: 'Twofold Test', now });
  const keys = new Map<string, ReturnType<typeof deviceKey>>();
  /** Scans the setup's code with a new device; returns the confirmation it shows. */
  const activateDevice = async (code: string) => {
    const key = deviceKey();
    const result = await devices.activate({ code, publicKey: key.publicKey, name: 'Test phone', signature: key.sign(activationMessage(code.replace('-', ''))) });
    if (!result.ok) throw new Error(result.reason);
    keys.set(result.deviceId, key);
    return result;
  };
  const answerAs = async (credential: Credential, requestId: string, decision: 'approve' | 'deny' | 'fraud', number: string) =>
    devices.answer({ deviceId: credential.externalId!, requestId, decision, number, signature: keys.get(credential.externalId!)!.sign(answerMessage(requestId, decision, number)) });
  return { factor, devices, activateDevice, answerAs };
}

const pushKind: FactorKind = { enrolls: true, challenges: true, outOfBand: true };
const pushContract = (store: MfaStore, clock: FactorClock): FactorUnderTest => {
  const subject = pushUnderTest(store, clock.now);
  const enroll = subject.factor.enroll!;
  // What the setup page showed last: the person scans its code with the app.
  let shownCode = '';
  const factor = {
    ...subject.factor,
    enroll: {
      ...enroll,
      async begin(...args: Parameters<typeof enroll.begin>) {
        const start = await enroll.begin(...args);
        if (!('error' in start)) shownCode = String(start.view.code);
        return start;
      },
    },
  };
  let device: Credential;
  return {
    factor,
    async setUp(account) {
      const start = await factor.enroll.begin(account, {});
      if ('error' in start) throw new Error(start.error);
      const { confirmation } = await subject.activateDevice(shownCode);
      const result = await factor.enroll.finish(account, start.pending, { code: confirmation }, async () => true);
      if (result.outcome !== 'ok') throw new Error(`setup failed: ${JSON.stringify(result)}`);
      device = result.credential;
      return result.credential;
    },
    // The app, once activated, shows the confirmation the person types on the setup page.
    proveSetup: async () => ({ code: (await subject.activateDevice(shownCode)).confirmation }),
    proveSignIn: async () => ({}),
    wrongAnswer: { code: '000000' },
    async answerElsewhere(state, decision) {
      // The person reads the number off the sign-in page and types it in the app.
      const request = await store.push.getChallenge(String(state.requestId));
      const result = await subject.answerAs(device, String(state.requestId), decision, decision === 'approve' ? request!.number : '');
      if (!result.ok) throw new Error(result.reason);
    },
  };
};
describeFactorContract('push', pushKind, pushContract);
// The same lifecycle on the MongoDB adapter's activations and requests (driver stand-in, not MongoDB).
describeFactorContract('push on the mongodb adapter (driver stand-in)', pushKind, pushContract, (now) => openStandInMongoStore(now));
