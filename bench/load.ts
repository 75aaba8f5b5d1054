// Drives a server at a concurrency level (or a fixed arrival rate) for a while and measures
// what it did: operations per second, latency percentiles per step, and the server processes'
// own CPU time and memory over the measured window.
import { sampleTree, totalCpuMs } from './procStats.js';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface LevelResult {
  /** Operations in flight at once (closed loop), or undefined for a paced run. */
  concurrency?: number;
  /** Arrivals per second asked for (paced run). */
  rate?: number;
  seconds: number;
  completed: number;
  errors: number;
  firstError?: string;
  perSecond: number;
  /** Server CPU (user + system, all its processes) per completed operation. */
  cpuMsPerOp: number;
  /** Share of one core the server used, summed over its processes. */
  cpuCores: number;
  latencyMs: Record<string, Percentiles>;
  peakRssMiB: number;
  processes: number;
}

export function percentiles(values: number[]): Percentiles {
  if (!values.length) return { p50: NaN, p95: NaN, p99: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** One operation: resolves with named step times in ms (`total` is added). */
export type Operation = () => Promise<Record<string, number>>;

interface Window {
  start: number;
  end: number;
}

class Recorder {
  private samples: Record<string, number>[] = [];
  errors = 0;
  firstError?: string;
  constructor(private readonly window: Window) {}

  async run(operation: Operation) {
    const start = performance.now();
    try {
      const steps = await operation();
      const end = performance.now();
      // An operation may report its own total (leaving out time it spent waiting for an account).
      if (start >= this.window.start && end <= this.window.end) this.samples.push({ total: end - start, ...steps });
    } catch (error) {
      this.errors++;
      this.firstError ??= (error as Error).message;
    }
  }

  latencies(): Record<string, Percentiles> {
    const names = [...new Set(this.samples.flatMap((s) => Object.keys(s)))];
    return Object.fromEntries(names.map((name) => [name, percentiles(this.samples.map((s) => s[name]!).filter((v) => v !== undefined))]));
  }

  get completed() {
    return this.samples.length;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measured(serverPid: number, warmupMs: number, durationMs: number, drive: (recorder: Recorder, until: () => boolean) => Promise<void>) {
  const window = { start: performance.now() + warmupMs, end: performance.now() + warmupMs + durationMs };
  const recorder = new Recorder(window);
  let cpuStart = 0;
  let cpuEnd = 0;
  let peakRssMiB = 0;
  let processes = 0;
  const sampler = (async () => {
    await sleep(warmupMs);
    cpuStart = totalCpuMs(sampleTree(serverPid));
    await sleep(durationMs);
    const samples = sampleTree(serverPid);
    cpuEnd = totalCpuMs(samples);
    peakRssMiB = Math.max(...samples.map((s) => s.peakRssMiB));
    processes = samples.length;
  })();
  await drive(recorder, () => performance.now() < window.end);
  await sampler;
  const seconds = durationMs / 1000;
  return {
    seconds,
    completed: recorder.completed,
    errors: recorder.errors,
    ...(recorder.firstError ? { firstError: recorder.firstError } : {}),
    perSecond: recorder.completed / seconds,
    cpuMsPerOp: recorder.completed ? (cpuEnd - cpuStart) / recorder.completed : NaN,
    cpuCores: (cpuEnd - cpuStart) / durationMs,
    latencyMs: recorder.latencies(),
    peakRssMiB,
    processes,
  };
}

/**
 * `concurrency` loops, each starting the next operation when its last one ends. With `rampMs`
 * the loops start one after another over that time, as people arrive, instead of all at once
 * (put the ramp inside the warm-up to measure only the full load).
 */
export async function closedLoop(serverPid: number, concurrency: number, operation: Operation, { warmupMs, durationMs, rampMs = 0 }: { warmupMs: number; durationMs: number; rampMs?: number }): Promise<LevelResult> {
  const result = await measured(serverPid, warmupMs, durationMs, async (recorder, running) => {
    await Promise.all(Array.from({ length: concurrency }, async (_, i) => {
      if (rampMs) await sleep((i * rampMs) / concurrency);
      while (running()) await recorder.run(operation);
    }));
  });
  return { concurrency, ...result };
}

/** Operations started at a fixed rate whatever the latency, as people arrive (open loop). */
export async function paced(serverPid: number, rate: number, operation: Operation, { warmupMs, durationMs, maxInFlight }: { warmupMs: number; durationMs: number; maxInFlight: number }): Promise<LevelResult> {
  const result = await measured(serverPid, warmupMs, durationMs, async (recorder, running) => {
    const inFlight = new Set<Promise<void>>();
    const begin = performance.now();
    for (let n = 0; running(); n++) {
      const due = begin + (n * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      const run: Promise<void> = recorder.run(operation).then(() => void inFlight.delete(run));
      inFlight.add(run);
    }
    await Promise.all(inFlight);
  });
  return { rate, ...result };
}
