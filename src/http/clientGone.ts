// A client that hangs up mid-request, or sends bytes the HTTP parser cannot read, is not a
// server fault: such errors are logged quietly, so error logs stay for real faults.
import type { IncomingMessage } from 'node:http';

/** The request's body stopped because the client went away. */
export class ClientDisconnected extends Error {
  constructor(cause?: unknown) {
    super('the client disconnected before the request was complete', { cause });
    this.name = 'ClientDisconnected';
  }
}

const disconnectCodes = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

/** True for a hang-up (`aborted`, a reset, a closed pipe, a socket already gone) and for the
 * parser's complaints about what the client sent (`HPE_*`). */
export function isClientFault(error: unknown, req?: IncomingMessage): boolean {
  if (error instanceof ClientDisconnected) return true;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (disconnectCodes.has(code) || code.startsWith('HPE_'))) return true;
  return message === 'aborted' || req?.aborted === true;
}
