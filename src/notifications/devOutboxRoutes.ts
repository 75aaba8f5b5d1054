// /dev/outbox: the development outbox, beside the development phone. Every security
// notification email, newest first, and the same as JSON (/dev/outbox.json) for tests and
// scripts. Mounted only outside production, and only when no SMTP server is configured.
import Router from '@koa/router';
import { securityHeaders } from '../http/securityHeaders.js';
import type { Views } from '../http/views.js';
import type { DevelopmentOutbox } from './mailer.js';

export const devOutboxPath = '/dev/outbox';

export function devOutboxRoutes({ outbox, views }: { outbox: DevelopmentOutbox; views: Views }): Router {
  const router = new Router();
  router.use(securityHeaders);
  router.get(devOutboxPath, (ctx) => {
    ctx.type = 'html';
    ctx.body = views.render('dev-outbox.njk', { emails: outbox.list().map((email) => ({ ...email, when: new Date(email.at).toISOString() })) });
  });
  router.get(`${devOutboxPath}.json`, (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { emails: outbox.list().map(({ id, from, to, subject, text, at }) => ({ id, from, to, subject, text, at: new Date(at).toISOString() })) };
  });
  return router;
}
