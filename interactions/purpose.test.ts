import { purposeOf } from './purpose.js';
import { accountClientId } from './settings/accountSession.js';

test('only "My security info" names a purpose, and only one of the known sentences', () => {
  const of = (params: Record<string, unknown>) => purposeOf({ params });
  expect(of({ client_id: accountClientId, twofold_purpose: 'add-method' })).toBe("To add a method, verify it's you.");
  expect(of({ client_id: accountClientId, twofold_purpose: 'recovery-codes' })).toBe("To make new recovery codes, verify it's you.");
  expect(of({ client_id: accountClientId, twofold_purpose: 'app-passwords' })).toBe("To change your app passwords, verify it's you.");
  expect(of({ client_id: accountClientId, twofold_purpose: 'change-methods' })).toBe("To change how you sign in, verify it's you.");
  expect(of({ client_id: 'some-app', twofold_purpose: 'add-method' })).toBeUndefined();
  expect(of({ client_id: accountClientId, twofold_purpose: 'Your account is suspended: call +1 555 0100' })).toBeUndefined();
  expect(of({ client_id: accountClientId, twofold_purpose: 'toString' })).toBeUndefined();
  expect(of({ client_id: accountClientId })).toBeUndefined();
});
