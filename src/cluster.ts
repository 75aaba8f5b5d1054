// Runs several server processes (TWOFOLD_WORKERS) on one port and one store, so every core
// signs people in. The primary does what must happen once: it generates development keys,
// migrates the store, checks the policy, seeds the demo and sweeps expired records; the workers
// serve. Nothing a sign-in needs lives in one process's memory (README "Every core"), so any
// worker can serve any request of any sign-in.
import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import { demoCredentials, seedDemo } from './demo/seed.js';
import { primaryMetrics } from './ops/clusterMetrics.js';
import { listenForOps } from './ops/opsListener.js';
import { openPolicyFolder } from './policy/source.js';
import { openRuntime } from './runtime.js';
import { sweepEvery } from './server.js';

/** Starts `workers` server processes and keeps them running until SIGINT or SIGTERM. */
export async function runPrimary(workers: number): Promise<void> {
  // Keys are generated and the schema migrated here, once, before any worker reads them.
  const { config, store, log } = await openRuntime();
  try {
    // An invalid policy is refused once, with its problems, instead of by every worker.
    openPolicyFolder(config.policies, log, { watchChanges: false }).close();
  } catch (error) {
    await store.close();
    throw error;
  }

  // Metrics for all workers together: on the operations address, and for a worker asked on the public port.
  const collect = primaryMetrics();
  let opsServer: Server | undefined;
  if (config.metricsListen) {
    try {
      opsServer = await listenForOps(config.metricsListen, collect);
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  let stopping = false;
  const listening = new Set<number>();
  let announced = false;

  const stop = async (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down ${Object.keys(cluster.workers ?? {}).length} workers`);
    clearInterval(sweeper);
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w && !w.isDead()));
    await Promise.all(alive.map((worker) => new Promise<void>((done) => {
      // Each worker drains (TWOFOLD_SHUTDOWN_DRAIN) and finishes its requests under way
      // (TWOFOLD_SHUTDOWN_GRACE) before it exits.
      const force = setTimeout(() => worker.process.kill('SIGKILL'), (config.shutdownDrain + config.shutdownGrace + 5) * 1000);
      worker.once('exit', () => {
        clearTimeout(force);
        done();
      });
      worker.process.kill('SIGTERM');
    })));
    opsServer?.closeAllConnections();
    opsServer?.close();
    await store.close();
    process.exit(code);
  };

  cluster.on('listening', (worker, address) => {
    listening.add(worker.id);
    if (announced || listening.size < workers) return;
    announced = true;
    const { port } = address;
    const issuer = config.issuer ?? `http://localhost:${port}`;
    void (async () => {
      if (config.demo) await seedDemo(store, issuer, log);
      log.info(`Twofold is listening on ${config.host}:${port} as ${issuer} with ${workers} workers`);
      if (config.demo) log.info(`demo: open ${new URL('/demo', issuer).href} and sign in as '${demoCredentials.username}' with password '${demoCredentials.password}'`);
    })().catch((error) => {
      log.error('could not seed the demo', { error: String(error) });
      void stop('demo seeding failed', 1);
    });
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (!listening.has(worker.id)) {
      // It could not start (a port in use, say): another would fail the same way.
      log.error(`worker ${worker.id} stopped before it listened (exit ${code ?? signal}); shutting down`);
      void stop('start-up failure', 1);
      return;
    }
    listening.delete(worker.id);
    log.warn(`worker ${worker.id} stopped (exit ${code ?? signal}); starting another`);
    cluster.fork();
  });

  const sweeper = sweepEvery(store, log);
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  for (let i = 0; i < workers; i++) cluster.fork();
}
