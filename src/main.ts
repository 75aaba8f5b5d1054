// The ready identity provider: `npm start`.
import { ConfigError } from './config/load.js';
import { demoCredentials } from './demo/seed.js';
import { startTwofold } from './server.js';

try {
  const twofold = await startTwofold();
  const { log, config } = twofold;
  log.info(`Twofold is listening on ${config.host}:${(twofold.server.address() as { port: number }).port} as ${twofold.issuer}`);
  if (config.demo) {
    log.info(`demo: open ${new URL('/demo', twofold.issuer).href} and sign in as '${demoCredentials.username}' with password '${demoCredentials.password}'`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    await twofold.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`Twofold cannot start: ${error.message}\n`);
  } else {
    process.stderr.write(`Twofold cannot start: ${(error as Error).stack ?? error}\n`);
  }
  process.exit(1);
}
