// Reads an application/x-www-form-urlencoded body with a size limit. oidc-provider parses
// its own routes; this is for Twofold's pages.
import type { Context } from 'koa';
import { ClientDisconnected, isClientFault } from './clientGone.js';

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

const limit = 16 * 1024;

/** `maxBytes`: a larger limit for the few forms that carry a file's text (a token import). */
export async function readForm(ctx: Context, maxBytes = limit): Promise<Record<string, string>> {
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new HttpError(415, 'This page only accepts form submissions.');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    // Stopping early must not destroy the request (and with it the socket): the rest of the body
    // is read and dropped (resume), so the client reads the 413 instead of a reset.
    for await (const chunk of ctx.req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        ctx.req.resume();
        throw new HttpError(413, 'The form is too large.');
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (isClientFault(error, ctx.req)) throw new ClientDisconnected(error);
    throw error;
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) {
    fields[key] ??= value;
  }
  return fields;
}
