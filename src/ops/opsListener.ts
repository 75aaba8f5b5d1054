// The separate address for operations (TWOFOLD_METRICS_LISTEN): /metrics, /healthz and, where
// the process serves sign-ins, /readyz, on a port only the monitoring network reaches.
import { createServer, type Server } from 'node:http';
import Koa from 'koa';
import type { CollectMetrics } from './clusterMetrics.js';
import { opsRoutes, type ReadyAnswer } from './opsRoutes.js';

/** host:port as TWOFOLD_METRICS_LISTEN writes it ('127.0.0.1:9464', '[::1]:9464'). */
export function parseListen(value: string): { host: string; port: number } {
  const at = value.lastIndexOf(':');
  return { host: value.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(value.slice(at + 1)) };
}

// The primary of several workers serves no sign-ins: it is ready when its workers are, which
// the balancer asks them on the public port.
const alwaysReady = async (): Promise<ReadyAnswer> => ({ ready: true });

export async function listenForOps(address: string, collect: CollectMetrics, ready: () => Promise<ReadyAnswer> = alwaysReady): Promise<Server> {
  const app = new Koa();
  app.use(opsRoutes(ready, { access: { open: true }, collect }));
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { error: 'not_found', message: 'This address serves /metrics, /healthz and /readyz.' };
  });
  const server = createServer(app.callback());
  const { host, port } = parseListen(address);
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, done);
  });
  return server;
}
