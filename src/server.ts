// Starts the ready identity provider: configuration, keys, store, app, listener.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';
import { createApp } from './app.js';
import { seedDemo } from './demo/seed.js';
import type { Phone } from './phone/createPhone.js';
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
  close(): Promise<void>;
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
  const server = createServer();
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
  let built: ReturnType<typeof createApp>;
  try {
    // Parts built here check their options against the issuer (passkeys' relying party).
    built = createApp({ ...runtime, issuer, policies, now: sources.now });
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
    async close() {
      if (sweeper) clearInterval(sweeper);
      policies.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await store.close();
    },
  };
}

/** Deletes expired records every ten minutes, in one process only. */
export function sweepEvery(store: RunningTwofold['store'], log: RunningTwofold['log']): NodeJS.Timeout {
  const sweeper = setInterval(() => store.sweep().catch((error) => log.warn('sweep failed', { error: String(error) })), 10 * 60 * 1000);
  sweeper.unref();
  return sweeper;
}
