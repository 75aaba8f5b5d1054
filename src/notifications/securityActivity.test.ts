// What the person reads for each kind of security change, and what stays out of their list.
import type { AuditEvent } from '../store/types.js';
import { describeActivity } from './securityActivity.js';

const event = (fields: Partial<AuditEvent>): AuditEvent => ({ at: 0, type: 'x', result: 'ok', accountId: 'a1', ...fields });

test.each([
  [{ type: 'mfa.enroll', method: 'totp' }, 'Authenticator app was added to your sign-in methods.'],
  [{ type: 'method.add', method: 'webauthn' }, 'Security key or passkey was added to your sign-in methods.'],
  [{ type: 'method.remove', method: 'sms' }, 'Phone was removed from your sign-in methods.'],
  [{ type: 'method.remove', method: 'sms', actor: 'admin:root' }, 'An administrator removed Phone from your sign-in methods.'],
  [{ type: 'method.change', method: 'sms' }, 'Your phone number for sign-in was changed.'],
  [{ type: 'method.provision', method: 'recovery' }, 'New recovery codes were made; any earlier ones stopped working.'],
  [{ type: 'mfa.verify', method: 'recovery' }, 'A recovery code was used to sign in.'],
  [{ type: 'app_password.create' }, 'An app password was created.'],
  [{ type: 'bypass.issue', actor: 'admin:root' }, 'An administrator issued a one-time bypass: your next sign-in within a few minutes skips the second factor.'],
  [{ type: 'mfa.bypass', actor: 'admin:root' }, "A sign-in skipped the second factor with an administrator's one-time bypass."],
  [{ type: 'fraud.report', result: 'fail', method: 'voice' }, 'A sign-in was reported as not yours, and verification was blocked.'],
  [{ type: 'fraud.unblock', actor: 'admin:root' }, 'An administrator unblocked verification after a fraud report.'],
  [{ type: 'user.reset-mfa', actor: 'cli:root' }, 'An administrator removed all your sign-in methods: you set one up again at your next sign-in.'],
] as [Partial<AuditEvent>, string][])('%o reads: %s', (fields, text) => {
  expect(describeActivity(event(fields))).toBe(text);
});

test.each([
  [{ type: 'mfa.verify', method: 'totp' }],
  [{ type: 'mfa.verify', method: 'recovery', result: 'fail' }],
  [{ type: 'method.add', method: 'totp', result: 'fail' }],
  [{ type: 'password' }],
  [{ type: 'policy', result: 'info' }],
] as [Partial<AuditEvent>][])('%o is not security activity', (fields) => {
  expect(describeActivity(event(fields))).toBeUndefined();
});
