// Ids for records listed in creation order.
import mongoose from 'mongoose';

/** An ObjectId's hex form: unique, time first and then a per-process counter, so sorting by it
 * keeps creation order where two records share a timestamp, as SQLite's rowid does. */
export const orderedId = () => new mongoose.Types.ObjectId().toHexString();
