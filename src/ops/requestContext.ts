// The request a log line belongs to: its id (the caller's X-Request-Id when it is a sensible
// token, else a fresh one), sent back as a response header, and the sign-in (interaction) it is
// part of, so every line of one sign-in can be found across its requests.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';

export interface RequestContext {
  reqId: string;
  /** The oidc-provider interaction the request belongs to, when the path names one. */
  interaction?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const currentRequest = (): RequestContext | undefined => storage.getStore();

// Short, printable, no spaces or quotes: anything else a proxy or client sends is replaced.
const wellFormed = /^[A-Za-z0-9._:-]{8,128}$/;
const interactionPath = /^\/(?:interaction|auth)\/([A-Za-z0-9_-]{10,64})(?:\/|$)/;

export function requestId(incoming: string | undefined): string {
  return incoming && wellFormed.test(incoming) ? incoming : randomUUID();
}

/** Koa middleware: run first, so every later line of the request carries the id. */
export async function requestContext(ctx: Context, next: Next) {
  const reqId = requestId(ctx.get('x-request-id') || undefined);
  ctx.set('X-Request-Id', reqId);
  const interaction = interactionPath.exec(ctx.path)?.[1];
  await storage.run(interaction ? { reqId, interaction } : { reqId }, next);
}
