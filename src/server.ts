// Starts the ready identity provider: configuration, keys, store, app, listener.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';
import { createApp } from './app.js';
import { seedDemo } from './demo/seed.js';
import type { Phone } from './phone/createPhone.js';
import { type CollectMetrics, workerMetrics } from './ops/clusterMetrics.js';
import { trackRequests } from './ops/gracefulClose.js';
import { instrumentStore } from './ops/instrumentStore.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { checkReady, type MetricsAccess } from './ops/opsRoutes.js';
import { listenForOps } from './ops/opsListener.js';
import { openPolicyFolder, type PolicySource } from './policy/source.js';
import { lintPolicy } from './policy/lint.js';
import { lastGoodPolicyFile } from './policy/lastGood.js';
import { configuredOffer } from './factors/offer.js';
import { openRuntime, type Runtime, type RuntimeSources } from './runtime.js';

export interface RunningTwofold extends Runtime {
  issuer: string;
  policies: PolicySource;
  server: Server;
  provider: Provider;
  phone: Phone;
  metrics: Metrics;
  /** The separate operations listener (TWOFOLD_METRICS_LISTEN), when this process runs one. */
  opsServer?: Server;
  /** Answers readiness with 503 and keeps serving for `drainSeconds`, then stops accepting, lets
   * requests under way finish for up to `graceSeconds` (0: cut them off at once), and closes the store. */
  close(options?: { drainSeconds?: number; graceSeconds?: number }): Promise<void>;
}

export interface StartOptions {
  /** One of several server processes (TWOFOLD_WORKERS): the primary seeds the demo and sweeps the store, not this one. */
  worker?: boolean;
}

export async function startTwofold(sources: RuntimeSources = {}, { worker = false }: StartOptions = {}): Promise<RunningTwofold> {
  const runtime = await openRuntime(sources);
  const { config, store, log } = runtime;
  let policies: PolicySource;
  try {
    policies = openPolicyFolder(config.policies, log, { lastGood: lastGoodPolicyFile(config.dataDir), check: (policy) => lintPolicy(policy, configuredOffer(config)) });
  } catch (error) {
    await store.close();
    throw error;
  }
  // An idle connection stays open for TWOFOLD_KEEP_ALIVE (65 s; Node's default is 5 s): longer
  // than the balancer's own idle timeout, so no request is sent on a socket Twofold is closing.
  // It also keeps browsers and relying parties on the connection they have, which matters under
  // load: a busy Node process takes on about one new connection per turn of its event loop, and
  // with the 5 s default the load test saw new connections wait 20-30 s (README "Under load").
  // Node's headersTimeout (60 s) still bounds a slow request's headers: since Node 12.19 it no
  // longer cuts idle keep-alive connections, so it need not exceed this.
  const server = createServer({ keepAliveTimeout: config.keepAlive * 1000 });
  const closer = trackRequests(server);
  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(config.port, config.host, done);
    });
  } catch (error) {
    policies.close();
    await store.close();
    throw error;
  }
  const issuer = config.issuer ?? `http://localhost:${(server.address() as AddressInfo).port}`;
  if (config.demo && !worker) await seedDemo(store, issuer, log);
  const metrics = createMetrics();
  let stopping = false;
  let built: ReturnType<typeof createApp>;
  let opsServer: Server | undefined;
  const ready = () => checkReady({ store, policies, keys: runtime.keys, stopping: () => stopping });
  try {
    // With several workers the primary answers for all of them (src/ops/clusterMetrics.ts).
    const collect: CollectMetrics = worker ? workerMetrics(metrics.registry) : async () => ({ contentType: metrics.registry.contentType, text: await metrics.registry.metrics() });
    // Parts built here check their options against the issuer (passkeys' relying party).
    built = createApp({
      ...runtime, store: instrumentStore(store, metrics, sources.now), issuer, policies, now: sources.now,
      ops: { metrics, metricsAccess: { access: metricsAccessOf(config), collect }, ready },
    });
    if (config.metricsListen && !worker) opsServer = await listenForOps(config.metricsListen, collect, ready);
  } catch (error) {
    policies.close();
    await new Promise<void>((done) => server.close(() => done()));
    await store.close();
    throw error;
  }
  const { app, provider, phone } = built;
  server.on('request', app.callback());
  const sweeper = worker ? undefined : sweepEvery(store, log);

  return {
    ...runtime,
    issuer,
    policies,
    server,
    provider,
    phone,
    metrics,
    opsServer,
    async close({ drainSeconds = 0, graceSeconds = 0 } = {}) {
      if (stopping) return;
      stopping = true;
      // Still serving, while the balancer learns from /readyz to send new requests elsewhere.
      if (drainSeconds) await new Promise((resolve) => setTimeout(resolve, drainSeconds * 1000));
      if (sweeper) clearInterval(sweeper);
      policies.close();
      const { unfinished } = await closer.close(graceSeconds * 1000);
      if (unfinished && graceSeconds) log.warn(`${unfinished} requests did not finish within ${graceSeconds} s of shutdown and were cut off`);
      if (opsServer) {
        opsServer.closeAllConnections();
        await new Promise<void>((done) => opsServer!.close(() => done()));
      }
      await store.close();
    },
  };
}

/** Where /metrics is served on the public port: with the token; nowhere when it has its own
 * address or in production without a token; to anyone in development and tests. */
export function metricsAccessOf(config: RunningTwofold['config']): MetricsAccess['access'] {
  if (config.metricsToken) return { token: config.metricsToken };
  if (config.metricsListen || config.nodeEnv === 'production') return { off: true };
  return { open: true };
}

/** Deletes expired records every ten minutes, in one process only. */
export function sweepEvery(store: RunningTwofold['store'], log: RunningTwofold['log']): NodeJS.Timeout {
  const sweeper = setInterval(() => store.sweep().catch((error) => log.warn('sweep failed', { error: String(error) })), 10 * 60 * 1000);
  sweeper.unref();
  return sweeper;
}
