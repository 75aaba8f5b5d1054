// New push requests as MongoDB writes them, for the device event streams on every node: one
// change stream per store (per process) on push_challenges inserts where the deployment keeps an
// oplog (a replica set, or a sharded cluster through mongos), handed to the watches of the
// request's account; polling the store where there is no oplog.
import type { mongo } from 'mongoose';
import { pollWatch } from '../pollWatch.js';
import type { PushStore, PushWatch } from '../types.js';
import { keepsOplog } from './deployment.js';

interface Watcher {
  accountId: string;
  onChange: () => void;
  pollMs: number;
  /** Set once the shared stream has failed for this watch: it polls from then on. */
  fallback?: PushWatch;
}

/** `db` is the connection's driver database, read when a watch starts (undefined while closed). */
export function mongoPushWatcher(db: () => mongo.Db | undefined, collection: string): PushStore['watchRequests'] {
  // Asked once per store: whether the server can stream changes at all.
  let canStream: Promise<boolean> | undefined;
  const streams = () =>
    (canStream ??= (async () => {
      const database = db();
      // The driver stand-in the tests use in place of MongoDB has no watch(): it polls.
      if (!database || typeof database.collection(collection).watch !== 'function') return false;
      // Change streams read the oplog, which a standalone server does not keep (watch() there
      // fails with "only supported on replica sets").
      return keepsOplog(database);
    })());

  // One stream for every device connected to this process, not one each: a change stream's
  // cursor holds a pooled connection while it waits, so one per device would exhaust the pool.
  const watchers = new Set<Watcher>();
  let shared: mongo.ChangeStream | undefined;
  const wake = (accountId?: string) => {
    for (const watcher of watchers) if (!watcher.fallback && (accountId === undefined || watcher.accountId === accountId)) watcher.onChange();
  };
  const open = (database: mongo.Db) => {
    // Only inserts, and of each only the account it is for: what a request holds stays unread.
    const stream = database.collection(collection).watch([{ $match: { operationType: 'insert' } }, { $project: { operationType: 1, 'fullDocument.account_id': 1 } }]);
    stream.on('change', (change: { fullDocument?: { account_id?: unknown } }) => {
      if (typeof change.fullDocument?.account_id === 'string') wake(change.fullDocument.account_id);
    });
    // The stream is open (the server's first answer carries a resume token, and the driver
    // passes on no other sign of it): a request written while it was opening is read now.
    stream.once('resumeTokenChanged', () => wake());
    // The driver resumes by itself after elections and network errors; an error that reaches
    // here, or an end nobody asked for (the collection dropped or renamed), leaves the stream
    // dead: the watches it served poll from now on, and the next watch tries a new stream.
    const lost = () => {
      if (shared !== stream) return;
      shared = undefined;
      void stream.close().catch(() => {});
      for (const watcher of watchers) {
        if (watcher.fallback) continue;
        watcher.fallback = pollWatch(watcher.onChange, watcher.pollMs);
        watcher.onChange();
      }
    };
    stream.on('error', lost);
    stream.on('close', lost);
    return stream;
  };

  return async (accountId, onChange, { pollMs }) => {
    const database = db();
    if (!database || !(await streams())) return pollWatch(onChange, pollMs);
    const watcher: Watcher = { accountId, onChange, pollMs };
    watchers.add(watcher);
    shared ??= open(database);
    // A request written before this watch joined a stream already open is read now (a new
    // stream's first resume token does the same for the time it takes to open).
    queueMicrotask(onChange);
    return {
      get how() {
        return watcher.fallback ? 'polling' : 'change stream';
      },
      close() {
        if (!watchers.delete(watcher)) return;
        watcher.fallback?.close();
        // The last device gone: no stream held open for nobody.
        if (![...watchers].some((w) => !w.fallback) && shared) {
          const ending = shared;
          shared = undefined;
          void ending.close().catch(() => {});
        }
      },
    };
  };
}
