// Security notifications by email: every audit event that changes how a person signs in (see
// securityActivity.ts) is also mailed to the person's address, after it is recorded. Sending
// never holds up or fails the request that caused it; a failure is logged.
import type { Logger } from '../log.js';
import type { AccountStore, AuditStore } from '../store/types.js';
import type { Mailer } from './mailer.js';
import { describeActivity } from './securityActivity.js';

export function notifyingAudit(audit: AuditStore, { accounts, mailer, log, serviceName }: { accounts: Pick<AccountStore, 'findById'>; mailer: Mailer; log: Logger; serviceName: string }): AuditStore {
  const notify = async (event: Parameters<AuditStore['append']>[0]) => {
    const text = event.accountId ? describeActivity(event) : undefined;
    if (!text) return;
    const account = await accounts.findById(event.accountId!);
    if (!account?.email) return;
    const where = [event.clientId && `Application: ${event.clientId}`, event.ip && `Address: ${event.ip}`].filter(Boolean).join('\n');
    await mailer.send({
      to: account.email,
      subject: `${serviceName}: security activity on your account`,
      text: `Hello ${account.displayName ?? account.username},\n\n${text}\n\nWhen: ${new Date(event.at).toUTCString()}\n${where}${where ? '\n' : ''}\nIf this wasn't you, change your password, remove any sign-in method you don't recognise, and tell your administrator.\n`,
    });
  };
  return {
    ...audit,
    async append(event) {
      await audit.append(event);
      notify(event).catch((error: Error) => log.warn('security notification email failed', { error: error.message, type: event.type }));
    },
    tail: (options) => audit.tail(options),
  };
}
