// Where security notification emails go: an SMTP server through nodemailer when one is
// configured; otherwise, outside production, the development outbox (kept in memory, shown at
// /dev/outbox); otherwise nowhere.
import nodemailer from 'nodemailer';
import type { Logger } from '../log.js';

export interface Email {
  to: string;
  subject: string;
  text: string;
}

export interface SentEmail extends Email {
  id: number;
  from: string;
  at: number;
}

export interface Mailer {
  send(email: Email): Promise<void>;
}

/** The development outbox: the newest emails, for the page and for tests. */
export interface DevelopmentOutbox extends Mailer {
  list(): SentEmail[];
}

const kept = 200;

export function developmentOutbox(from: string, now: () => number = Date.now): DevelopmentOutbox {
  const sent: SentEmail[] = [];
  let next = 1;
  return {
    async send(email) {
      sent.unshift({ ...email, id: next++, from, at: now() });
      sent.length = Math.min(sent.length, kept);
    },
    list: () => [...sent],
  };
}

export function smtpMailer(url: string, from: string, log: Logger): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(email) {
      const info = await transport.sendMail({ from, ...email });
      log.debug('notification email sent', { messageId: info.messageId });
    },
  };
}
