// "Recent security activity": the changes to how a person signs in, in their words, from the
// audit log (methods added or removed, phone changed, recovery codes used, app passwords,
// one-time bypasses, fraud blocks). One mapping, for the security-info page and any email.
import type { AuditEvent, AuditStore } from '../store/types.js';

export interface SecurityActivity {
  at: number;
  text: string;
  /** Where it happened, when it was a sign-in: the application and address. */
  clientId?: string | null;
  ip?: string | null;
}

const byAdministrator = (event: AuditEvent) => Boolean(event.actor);

/** What an audit event tells the person, or undefined when it is not a change to their security. */
/** The methods' names as people see them, where no factor registry is at hand (the email). */
const methodTitles: Record<string, string> = {
  totp: 'Authenticator app', oath: 'Hardware token', webauthn: 'Security key or passkey', sms: 'Phone', voice: 'Office phone',
  push: 'Authenticator app with notifications', recovery: 'Recovery codes',
};

export function describeActivity(event: AuditEvent, methodTitle: (method: string) => string = (method) => methodTitles[method] ?? method): string | undefined {
  const method = event.method ? methodTitle(event.method) : 'a method';
  if (event.type === 'fraud.report') return 'A sign-in was reported as not yours, and verification was blocked.';
  if (event.result !== 'ok') return undefined;
  switch (event.type) {
    case 'mfa.enroll':
    case 'method.add':
      return `${method} was added to your sign-in methods.`;
    case 'method.remove':
      return byAdministrator(event) ? `An administrator removed ${method} from your sign-in methods.` : `${method} was removed from your sign-in methods.`;
    case 'method.change':
      return 'Your phone number for sign-in was changed.';
    case 'method.provision':
      return 'New recovery codes were made; any earlier ones stopped working.';
    case 'mfa.verify':
      return event.method === 'recovery' ? 'A recovery code was used to sign in.' : undefined;
    case 'app_password.create':
      return 'An app password was created.';
    case 'bypass.issue':
      return 'An administrator issued a one-time bypass: your next sign-in within a few minutes skips the second factor.';
    case 'mfa.bypass':
      return 'A sign-in skipped the second factor with an administrator\'s one-time bypass.';
    case 'fraud.unblock':
      return 'An administrator unblocked verification after a fraud report.';
    case 'user.reset-mfa':
      return 'An administrator removed all your sign-in methods: you set one up again at your next sign-in.';
    default:
      return undefined;
  }
}

/** The person's latest security activity, newest first. */
export async function recentActivity(audit: AuditStore, accountId: string, methodTitle?: (method: string) => string, limit = 10): Promise<SecurityActivity[]> {
  const events = await audit.tail({ accountId, limit: 500 });
  const activity: SecurityActivity[] = [];
  for (let i = events.length - 1; i >= 0 && activity.length < limit; i--) {
    const event = events[i]!;
    const text = describeActivity(event, methodTitle);
    if (text) activity.push({ at: event.at, text, clientId: event.clientId, ip: event.ip });
  }
  return activity;
}
