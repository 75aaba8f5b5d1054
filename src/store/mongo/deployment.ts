// What kind of MongoDB deployment the store is on, for the two features that need an oplog:
// change streams (push requests reaching every node) and multi-document transactions (db import).
import type { mongo } from 'mongoose';

/** Whether the server keeps an oplog: a replica set member names its set, a mongos router says
 * isdbgrid; a standalone server does neither, and refuses watch() and transactions. */
export async function keepsOplog(db: mongo.Db): Promise<boolean> {
  try {
    const hello = await db.command({ hello: 1 });
    return typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
  } catch {
    return false;
  }
}
