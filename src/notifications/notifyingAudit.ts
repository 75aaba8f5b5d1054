// Security notifications by email: every audit event that changes how a person signs in (see
// securityActivity.ts) is also mailed to the person's address, after it is recorded. Sending
// never holds up or fails the request that caused it; a failure is logged.
import type { Logger } from '../log.js';
import type { AccountStore, AttemptStore, AuditStore } from '../store/types.js';
import type { Mailer } from './mailer.js';
import { describeActivity } from './securityActivity.js';

interface NotifyDeps {
  accounts: Pick<AccountStore, 'findById'>;
  mailer: Mailer;
  log: Logger;
  serviceName: string;
}

function securityNotifier({ accounts, mailer, log, serviceName }: NotifyDeps) {
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
  return (event: Parameters<AuditStore['append']>[0]) => {
    notify(event).catch((error: Error) => log.warn('security notification email failed', { error: error.message, type: event.type }));
  };
}

export function notifyingAudit(audit: AuditStore, deps: NotifyDeps): AuditStore {
  const notify = securityNotifier(deps);
  return {
    ...audit,
    async append(event) {
      await audit.append(event);
      notify(event);
    },
    tail: (options) => audit.tail(options),
  };
}

/** A regulated step's audit event is written with its attempt (AttemptStore.settle): mailed the same way. */
export function notifyingAttempts(attempts: AttemptStore, deps: NotifyDeps): AttemptStore {
  const notify = securityNotifier(deps);
  return {
    ...attempts,
    async settle(outcome) {
      await attempts.settle(outcome);
      if (outcome.audit) notify(outcome.audit);
    },
  };
}
