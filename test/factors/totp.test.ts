import { totpCode } from '../../src/factors/otpCodes.js';
import { totpFactor } from '../../src/factors/totp/index.js';
import { describeFactorContract } from './contract.js';

describeFactorContract('totp', (store) => {
  let now = 1_700_000_000_000;
  const factor = totpFactor({ credentials: store.credentials, issuerName: 'Twofold Test', now: () => now });
  return {
    factor,
    proveSetup: async (pending) => ({ code: await totpCode(pending.secret as string, now / 1000) }),
    proveSignIn: async (credential) => ({ code: await totpCode(credential.secret!, now / 1000) }),
    wrongAnswer: { code: '000000' },
    advance: () => {
      now += 30_000;
    },
  };
});

describe('totp setup', () => {
  test('offers the standard otpauth URI with issuer and account, the seed as text, and a QR code', async () => {
    const factor = totpFactor({ credentials: {} as never, issuerName: 'Acme Sign-in', now: Date.now });
    const { view, pending } = await factor.enroll.begin({ id: 'a', username: 'alice@example.com' });
    const secret = pending.secret as string;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 160 bits in base32
    expect(view.uri).toBe(`otpauth://totp/Acme%20Sign-in:alice%40example.com?secret=${secret}&issuer=Acme%20Sign-in`);
    expect((view.secret as string).replace(/ /g, '')).toBe(secret);
    expect(view.qr).toMatch(/^data:image\/png;base64,/);
  });
});
