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

/** `ready` is left out by the primary of several workers: it serves no sign-ins, and whether each
 * worker is ready is for the balancer to ask it on the public port. */
export async function listenForOps(address: string, collect: CollectMetrics, ready?: () => Promise<ReadyAnswer>): Promise<Server> {
  const app = new Koa();
  app.use(opsRoutes(ready, { access: { open: true }, collect }));
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { error: 'not_found', message: `This address serves /metrics, /healthz${ready ? ' and /readyz' : ''}.` };
  });
  const server = createServer(app.callback());
  const { host, port } = parseListen(address);
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, done);
  });
  return server;
}
