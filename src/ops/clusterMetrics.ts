// Metrics with several worker processes (TWOFOLD_WORKERS): each worker counts what it serves,
// and whoever is asked for /metrics answers for all of them. The primary gathers every worker's
// registry with prom-client's AggregatorRegistry (counters and histograms summed); a worker
// asked on the public port (with the bearer token) asks the primary over the cluster channel.
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const request = 'twofold:metrics-request';
const response = 'twofold:metrics-response';

interface MetricsMessage {
  type: string;
  id: number;
  text?: string;
  error?: string;
}

export type CollectMetrics = () => Promise<{ contentType: string; text: string }>;

/** In the primary: gathers the workers' metrics, for its own listener and for workers that ask. */
export function primaryMetrics(): CollectMetrics {
  const aggregator = new AggregatorRegistry();
  const collect = async () => ({ contentType: aggregator.contentType, text: await aggregator.clusterMetrics() });
  cluster.on('message', (worker, message: MetricsMessage) => {
    if (message?.type !== request) return;
    collect().then(
      ({ text }) => worker.isConnected() && worker.send({ type: response, id: message.id, text }),
      (error: Error) => worker.isConnected() && worker.send({ type: response, id: message.id, error: error.message }),
    );
  });
  return collect;
}

/** In a worker: offers `registry` to the primary's aggregation, and asks the primary for the total. */
export function workerMetrics(registry: Registry): CollectMetrics {
  // Constructing one makes prom-client answer the primary's requests in this process.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  let next = 0;
  const waiting = new Map<number, (message: MetricsMessage) => void>();
  process.on('message', (message: MetricsMessage) => {
    if (message?.type === response) waiting.get(message.id)?.(message);
  });
  return () => new Promise((resolve, reject) => {
    const id = ++next;
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error('the primary did not send the metrics within 10 s'));
    }, 10_000);
    waiting.set(id, (message) => {
      clearTimeout(timer);
      waiting.delete(id);
      if (message.error || message.text === undefined) reject(new Error(message.error ?? 'no metrics'));
      else resolve({ contentType: registry.contentType, text: message.text });
    });
    process.send!({ type: request, id });
  });
}
