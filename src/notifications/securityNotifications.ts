// Wires security notifications into the ready provider: the mailer the configuration asks for,
// and the store whose audit log mails each security change to the person.
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import { developmentOutbox, type DevelopmentOutbox, type Mailer, smtpMailer } from './mailer.js';
import { notifyingAttempts, notifyingAudit } from './notifyingAudit.js';

export function securityNotifications({ config, store, log, now }: { config: Config; store: Store; log: Logger; now: () => number }): { store: Store; outbox?: DevelopmentOutbox } {
  const outbox = !config.smtpUrl && config.nodeEnv !== 'production' ? developmentOutbox(config.mailFrom, now) : undefined;
  const mailer: Mailer | undefined = config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom, log) : outbox;
  if (!mailer) return { store };
  const deps = { accounts: store.accounts, mailer, log, serviceName: config.displayName };
  return { store: { ...store, audit: notifyingAudit(store.audit, deps), attempts: notifyingAttempts(store.attempts, deps) }, outbox };
}
