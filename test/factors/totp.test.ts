import { totpCode } from '../../src/factors/otpCodes.js';
import { totpFactor } from '../../src/factors/totp/index.js';
import { describeOnMongo, openMongoTestStore } from '../helpers/mongo.js';
import { openStandInMongoStore } from '../helpers/mongoStandIn.js';
import { describeFactorContract } from './contract.js';

const kind = { enrolls: true, challenges: false, outOfBand: false };
const underTest: Parameters<typeof describeFactorContract>[2] = (store, clock) => {
  const factor = totpFactor({ credentials: store.credentials, issuerName: 'Twofold Test', now: clock.now });
  const code = (secret: string) => totpCode(secret, clock.now() / 1000);
  return {
    factor,
    async setUp(account) {
      const start = await factor.enroll!.begin(account, {});
      if ('error' in start) throw new Error(start.error);
      const result = await factor.enroll!.finish(account, start.pending, { code: await code(start.pending.secret as string) }, async () => true);
      if (result.outcome !== 'ok') throw new Error(`setup failed: ${JSON.stringify(result)}`);
      return result.credential;
    },
    proveSetup: async (pending) => ({ code: await code(pending.secret as string) }),
    proveSignIn: async (credential) => ({ code: await code(credential.secret!) }),
    wrongAnswer: { code: '000000' },
  };
};

describeFactorContract('totp', kind, underTest);
describeOnMongo('totp factor contract on mongodb', () => describeFactorContract('totp on mongodb', kind, underTest, (now) => openMongoTestStore(now)));
describeFactorContract('totp on the mongodb adapter (driver stand-in)', kind, underTest, (now) => openStandInMongoStore(now));

describe('totp setup', () => {
  test('offers the standard otpauth URI with issuer and account, the seed as text, and a QR code', async () => {
    const factor = totpFactor({ credentials: {} as never, issuerName: 'Acme Sign-in', now: Date.now });
    const start = await factor.enroll!.begin({ id: 'a', username: 'alice@example.com' }, {});
    if ('error' in start) throw new Error(start.error);
    const secret = start.pending.secret as string;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 160 bits in base32
    expect(start.view.uri).toBe(`otpauth://totp/Acme%20Sign-in:alice%40example.com?secret=${secret}&issuer=Acme%20Sign-in`);
    expect((start.view.secret as string).replace(/ /g, '')).toBe(secret);
    expect(start.view.qr).toMatch(/^data:image\/png;base64,/);
  });
});
