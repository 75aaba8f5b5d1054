// A tiny HTTP server on 127.0.0.1, standing in for a relying party's own endpoint (its JWK Set,
// its back-channel logout URI).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const httpServer = createServer(handler);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return { server: httpServer, url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}` };
}
