// Reads that one request makes several times (the account behind a sign-in, the relying party)
// answered once per request. Only within one request: several workers share the store, so
// nothing read is kept for the next request. A write through the same repository forgets what
// this request read from it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Next } from 'koa';
import type { Store } from './types.js';

type Memo = Map<string, Promise<unknown>>;
const scope = new AsyncLocalStorage<Memo>();

/** Koa middleware: what runs inside one request shares one memo. */
export function requestMemoScope(_ctx: unknown, next: Next): Promise<unknown> {
  return scope.run(new Map(), next);
}

/** Runs `work` with a memo of its own (a request outside Koa, a test). */
export function withRequestMemo<T>(work: () => Promise<T>): Promise<T> {
  return scope.run(new Map(), work);
}

/** The repositories' reads that are memoised; every other method of these repositories writes
 * (or may) and forgets the repository's memoised reads. */
const memoised = { accounts: ['findById'], clients: ['find'] } as const;

function memoise<R extends object>(name: string, repository: R, reads: readonly string[]): R {
  const wrapped: Record<string, unknown> = {};
  for (const key of Object.keys(repository) as (keyof R & string)[]) {
    const method = repository[key];
    if (typeof method !== 'function') continue;
    const call = (...args: unknown[]) => (method as (...a: unknown[]) => Promise<unknown>).apply(repository, args);
    wrapped[key] = reads.includes(key)
      ? (...args: unknown[]) => {
        const memo = scope.getStore();
        if (!memo) return call(...args);
        const id = `${name}.${key}:${JSON.stringify(args)}`;
        let answer = memo.get(id);
        if (!answer) {
          answer = call(...args);
          memo.set(id, answer);
          // A failed read is not remembered.
          answer.catch(() => memo.delete(id));
        }
        return answer;
      }
      : (...args: unknown[]) => {
        const memo = scope.getStore();
        if (memo) for (const id of [...memo.keys()]) if (id.startsWith(`${name}.`)) memo.delete(id);
        return call(...args);
      };
  }
  return { ...repository, ...wrapped };
}

/** The store with the reads above memoised per request (outside a request scope, unchanged). */
export function memoisePerRequest<S extends Store>(store: S): S {
  return { ...store, accounts: memoise('accounts', store.accounts, memoised.accounts), clients: memoise('clients', store.clients, memoised.clients) };
}
