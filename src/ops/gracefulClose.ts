// Stopping a server without cutting anyone off: stop accepting connections, let the requests
// under way finish (up to a grace period), close each connection as its last response goes out,
// and only then cut what is left. Event streams (the authenticator app's) never finish by
// themselves: they are ended at once, and the app reconnects to another process or node.
import type { Server, ServerResponse } from 'node:http';

export interface Closer {
  /** Resolves once every connection is closed; `unfinished` counts requests cut off at the end of the grace period. */
  close(graceMs: number): Promise<{ unfinished: number }>;
}

export function trackRequests(server: Server): Closer {
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  server.on('request', (_request, response: ServerResponse) => {
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
    // A request that reached an open keep-alive connection after shutdown began is served, once.
    if (closing) response.setHeader('Connection', 'close');
  });
  return {
    async close(graceMs) {
      closing = true;
      const closed = new Promise<void>((done) => server.close(() => done()));
      for (const response of inFlight) {
        if (String(response.getHeader('content-type') ?? '').startsWith('text/event-stream')) response.end();
        else if (!response.headersSent) response.setHeader('Connection', 'close');
      }
      const deadline = Date.now() + graceMs;
      while (inFlight.size && Date.now() < deadline) {
        server.closeIdleConnections();
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const unfinished = inFlight.size;
      server.closeAllConnections();
      await closed;
      return { unfinished };
    },
  };
}
