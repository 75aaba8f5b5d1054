// /healthz, /readyz and /metrics: answered before anything else in the app (no session, no
// CSRF, no audit, no writes), so a load balancer may ask every second.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { KeyMaterial } from '../config/keys.js';
import type { PolicySource } from '../policy/source.js';
import type { Store } from '../store/types.js';

export interface Readiness {
  store: Pick<Store, 'accounts'>;
  policies: PolicySource;
  keys: KeyMaterial;
  /** True once shutdown began: the balancer should stop sending new requests. */
  stopping(): boolean;
  /** How long the store may take to answer before the node counts as not ready. */
  storeTimeoutMs?: number;
}

export type ReadyAnswer = { ready: true } | { ready: false; reason: string };

/** One cheap read (an account by an id no account has), with a deadline. */
async function storeAnswers(store: Readiness['store'], timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string>((done) => {
    timer = setTimeout(() => done(`store did not answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([store.accounts.findById('readiness-probe').then(() => undefined, () => 'store unreachable'), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReady({ store, policies, keys, stopping, storeTimeoutMs = 2000 }: Readiness): Promise<ReadyAnswer> {
  if (stopping()) return { ready: false, reason: 'shutting down' };
  if (!keys.jwks.keys.length || keys.encryptionKey.length !== 32 || !keys.cookieKeys.length) return { ready: false, reason: 'keys not loaded' };
  try {
    if (!Array.isArray(policies.current()?.rules)) return { ready: false, reason: 'policies not loaded' };
  } catch {
    return { ready: false, reason: 'policies not loaded' };
  }
  const storeProblem = await storeAnswers(store, storeTimeoutMs);
  return storeProblem ? { ready: false, reason: storeProblem } : { ready: true };
}

export interface MetricsAccess {
  /** Where /metrics may be served on this listener: openly, with a bearer token, or not at all. */
  access: { open: true } | { token: string } | { off: true };
  collect(): Promise<{ contentType: string; text: string }>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function allowed(ctx: Context, access: MetricsAccess['access']): boolean {
  if ('open' in access) return true;
  if ('off' in access) return false;
  const sent = /^Bearer (\S+)$/.exec(ctx.get('authorization'))?.[1];
  // Compared as digests: equal length, constant time.
  return Boolean(sent) && timingSafeEqual(digest(sent!), digest(access.token));
}

/** `ready` undefined: this listener does not serve sign-ins, so it has no readiness to report. */
export function opsRoutes(ready: (() => Promise<ReadyAnswer>) | undefined, metrics?: MetricsAccess) {
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/healthz') {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { status: 'ok' };
      return;
    }
    if (ctx.path === '/readyz' && ready) {
      const answer = await ready();
      ctx.set('Cache-Control', 'no-store');
      ctx.status = answer.ready ? 200 : 503;
      ctx.body = answer.ready ? { status: 'ready' } : { status: 'unavailable', reason: answer.reason };
      return;
    }
    if (ctx.path === '/metrics' && metrics && !('off' in metrics.access)) {
      ctx.set('Cache-Control', 'no-store');
      if (!allowed(ctx, metrics.access)) {
        ctx.status = 401;
        ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
        ctx.body = { error: 'unauthorized', message: 'Send the metrics token (TWOFOLD_METRICS_TOKEN) as a bearer token.' };
        return;
      }
      const { contentType, text } = await metrics.collect();
      ctx.type = contentType;
      ctx.body = text;
      return;
    }
    return next();
  };
}
