// Opens the mongoose connection with the settings every MongoDB decision below relies on.
import mongoose from 'mongoose';
import { MongoUnreachableError } from './errors.js';

export type MongoConnection = mongoose.Connection;

/** Marks a filter value built by Twofold itself (an operator such as `$gt`) as safe: with
 * `sanitizeFilter` on, mongoose wraps any object with `$` keys in `$eq`, so a request value can
 * never act as a query operator; the operators the adapter writes must say they are its own. */
export const ours = <T extends object>(operator: T): T => mongoose.trusted(operator) as T;

/** `dbName` overrides the database the URI names (the tests use one database each). */
export async function openMongoConnection(uri: string, dbName?: string): Promise<MongoConnection> {
  const connection = mongoose.createConnection(uri, {
    ...(dbName ? { dbName } : {}),
    // Every filter is sanitised: `{ username: { $ne: null } }` from a request is matched
    // literally, never as an operator (see `ours`).
    sanitizeFilter: true,
    // Indexes (unique, TTL) are created by `twofold db migrate`, never lazily by whichever
    // node starts first: building an index on a large collection is an operator's decision.
    autoIndex: false,
    autoCreate: false,
    // Fail at once when the replica set is unreachable instead of queueing requests in memory.
    bufferCommands: false,
  });
  try {
    await connection.asPromise();
  } catch (error) {
    await connection.close().catch(() => {});
    throw new MongoUnreachableError(uri, error as Error);
  }
  return connection;
}

