// Short-lived values a page carries and hands back (the sign-in page's passkey challenge),
// signed instead of stored: showing a page writes nothing. HMAC-SHA256 under the cookie key,
// bound to a purpose and a scope (the interaction), so a ticket from one sign-in, or made for
// something else, is refused. A ticket is not single use by itself: what it carries must be
// spent where it is checked (a passkey's answer is recorded against its key, see webauthn).
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface Tickets {
  issue(purpose: string, scope: string, value: Record<string, unknown>): string;
  /** The value, when the ticket is one this server issued for this purpose and scope. */
  read(purpose: string, scope: string, ticket: string | undefined): Record<string, unknown> | undefined;
}

export function createTickets(key: string): Tickets {
  const mac = (purpose: string, scope: string, payload: string) => createHmac('sha256', key).update(`ticket:${purpose}:${scope}:${payload}`).digest();
  return {
    issue(purpose, scope, value) {
      const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${payload}.${mac(purpose, scope, payload).toString('base64url')}`;
    },
    read(purpose, scope, ticket) {
      if (typeof ticket !== 'string' || ticket.length > 4096) return undefined;
      const [payload, signature, extra] = ticket.split('.');
      if (!payload || !signature || extra !== undefined) return undefined;
      const expected = mac(purpose, scope, payload);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      try {
        const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString());
        return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
