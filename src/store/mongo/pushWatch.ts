// New push requests as MongoDB writes them, for the device event streams on every node: a change
// stream on push_challenges, filtered to the account's inserts, where the deployment keeps an
// oplog (a replica set, or a sharded cluster through mongos); polling the store where it does not.
import type { mongo } from 'mongoose';
import { pollWatch } from '../pollWatch.js';
import { keepsOplog } from './deployment.js';
import type { PushStore, PushWatch } from '../types.js';

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

  return async (accountId, onChange, { pollMs }) => {
    const database = db();
    if (!database || !(await streams())) return pollWatch(onChange, pollMs);
    let how: PushWatch['how'] = 'change stream';
    let fallback: PushWatch | undefined;
    let closed = false;
    // Only inserts for this account wake its devices: every node holds one stream per connected
    // device, and the server filters, so a node hears nothing about other people's sign-ins.
    const stream = database.collection(collection).watch([{ $match: { operationType: 'insert', 'fullDocument.account_id': { $eq: accountId } } }]);
    stream.on('change', () => onChange());
    // The stream is open: a request written while it was opening is read now, not missed.
    stream.once('init', () => onChange());
    // The driver resumes by itself after elections and network errors; what reaches here ends the
    // stream (a server that refused it after all, the connection closing): poll from now on.
    stream.on('error', () => {
      void stream.close().catch(() => {});
      if (closed || fallback) return;
      how = 'polling';
      fallback = pollWatch(onChange, pollMs);
      onChange();
    });
    return {
      get how() {
        return how;
      },
      close() {
        closed = true;
        fallback?.close();
        void stream.close().catch(() => {});
      },
    };
  };
}
