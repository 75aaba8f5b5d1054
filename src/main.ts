// The ready identity provider: `npm start`. With TWOFOLD_WORKERS above 1 this process becomes
// the primary of that many server processes (src/cluster.ts); each of them runs this file too.
import cluster from 'node:cluster';
import { runPrimary } from './cluster.js';
import { ConfigError, resolveConfig } from './config/load.js';
import { demoCredentials } from './demo/seed.js';
import { startTwofold } from './server.js';

async function runSingle() {
  const twofold = await startTwofold();
  const { log, config } = twofold;
  log.info(`Twofold is listening on ${config.host}:${(twofold.server.address() as { port: number }).port} as ${twofold.issuer}`);
  if (config.demo) {
    log.info(`demo: open ${new URL('/demo', twofold.issuer).href} and sign in as '${demoCredentials.username}' with password '${demoCredentials.password}'`);
  }
  stopOnSignals(twofold);
}

async function runWorker() {
  const twofold = await startTwofold({}, { worker: true });
  twofold.log.debug(`worker ${cluster.worker?.id} listening`);
  stopOnSignals(twofold);
}

function stopOnSignals(twofold: Awaited<ReturnType<typeof startTwofold>>) {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const { shutdownDrain, shutdownGrace } = twofold.config;
    if (!cluster.isWorker) twofold.log.info(`${signal}: shutting down (${shutdownDrain ? `not ready for ${shutdownDrain} s, then ` : ''}requests under way have ${shutdownGrace} s to finish)`);
    try {
      await twofold.close({ drainSeconds: shutdownDrain, graceSeconds: shutdownGrace });
    } catch (error) {
      twofold.log.error('shutdown failed', { error: String(error) });
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

try {
  if (cluster.isWorker) await runWorker();
  else {
    // Problems in the configuration are reported by whichever path opens the runtime.
    const { workers } = resolveConfig().config;
    if (workers > 1) await runPrimary(workers);
    else await runSingle();
  }
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`Twofold cannot start: ${error.message}\n`);
  } else {
    process.stderr.write(`Twofold cannot start: ${(error as Error).stack ?? error}\n`);
  }
  process.exit(1);
}
