// The store as the app sees it, with every operation timed for /metrics, and two things read on
// the way past without touching the code that writes them: each audit event appended (the
// sign-in, second-factor, lockout, fraud and policy counters) and each push request a device
// fetches for the first time (push delivery latency). Works for any adapter: it wraps the
// Store interface, not SQLite or MongoDB.
import type { AuditInput } from '../audit/audit.js';
import type { PushChallenge, Store } from '../store/types.js';
import type { Metrics } from './metrics.js';

const isPromise = (value: unknown): value is Promise<unknown> => typeof (value as Promise<unknown>)?.then === 'function';

/** A repository whose async methods report their time as `<name>.<method>`. */
function timed<T extends object>(repository: T, name: string, metrics: Metrics, tap?: (method: string, args: unknown[], result: unknown) => void): T {
  // One wrapper per method, made on first use: the sign-in path calls these many times.
  const wrappers = new Map<string, unknown>();
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const made = wrappers.get(property);
      if (made) return made;
      const wrapper = function (this: unknown, ...args: unknown[]) {
        const started = process.hrtime.bigint();
        const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
        const result = value.apply(target, args);
        if (!isPromise(result)) return result;
        return result.then(
          (resolved) => {
            metrics.storeCall(`${name}.${property}`, elapsed(), false);
            tap?.(property, args, resolved);
            return resolved;
          },
          (error: unknown) => {
            metrics.storeCall(`${name}.${property}`, elapsed(), true);
            throw error;
          },
        );
      };
      wrappers.set(property, wrapper);
      return wrapper;
    },
  });
}

/** Audit events in whatever shape the audit store takes them (one, or a batch). */
function auditEventsIn(args: unknown[]): AuditInput[] {
  const isEvent = (value: unknown): value is AuditInput => typeof (value as AuditInput)?.type === 'string' && typeof (value as AuditInput)?.result === 'string';
  return args.flatMap((arg) => (Array.isArray(arg) ? arg.filter(isEvent) : isEvent(arg) ? [arg] : []));
}

/** Remembers the push requests already delivered, so each is timed once (bounded memory). */
function deliveredOnce(limit = 10_000) {
  const seen = new Set<string>();
  return (id: string) => {
    if (seen.has(id)) return false;
    seen.add(id);
    if (seen.size > limit) seen.delete(seen.values().next().value!);
    return true;
  };
}

export function instrumentStore<S extends Store>(store: S, metrics: Metrics, now: () => number = Date.now): S {
  const first = deliveredOnce();
  const taps: Record<string, (method: string, args: unknown[], result: unknown) => void> = {
    audit: (method, args) => {
      if (method !== 'tail') for (const event of auditEventsIn(args)) metrics.audit(event);
    },
    // A regulated step's audit event is written with its attempt (AttemptStore.settle).
    attempts: (method, args) => {
      if (method === 'settle') for (const event of auditEventsIn([(args[0] as { audit?: unknown } | undefined)?.audit])) metrics.audit(event);
    },
    push: (method, _args, result) => {
      if (method !== 'pending' || !Array.isArray(result)) return;
      for (const request of result as PushChallenge[]) {
        if (first(request.id)) metrics.pushDelivered(Math.max(0, now() - request.createdAt) / 1000);
      }
    },
  };
  const repositories = new Map<string, unknown>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== 'string') return value;
      if (property === 'oidc' && typeof value === 'function') {
        // oidc-provider's models: a few fixed names (Session, Grant, AccessToken, ...).
        return (model: string) => timed((value as Store['oidc']).call(target, model), `oidc.${model}`, metrics);
      }
      if (value && typeof value === 'object') {
        if (!repositories.has(property)) repositories.set(property, timed(value, property, metrics, taps[property]));
        return repositories.get(property);
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
