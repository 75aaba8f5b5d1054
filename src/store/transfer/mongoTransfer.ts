// MongoDB's side of `twofold db export`/`import`: documents to SQLite-shaped rows and back.
// The field names are the same (see mongo/models.ts); what differs is types (booleans, arrays,
// dates) and a few things MongoDB keeps elsewhere (groups inside the account, the default
// credential and methods version per account).
import { usernameKey } from '../mongo/accounts.js';
import { attemptLifetime } from '../mongo/attempts.js';
import type { ClientSession } from 'mongoose';
import type { MongoConnection } from '../mongo/connection.js';
import { keepsOplog } from '../mongo/deployment.js';
import { bindModels, type ModelName, type Models } from '../mongo/models.js';
import { accountOf } from '../mongo/oidcAdapter.js';
import { orderedId } from '../mongo/ids.js';
import { phoneLifetime } from '../mongo/phone.js';
import { pushKeepFor } from '../mongo/push.js';
import { migrations } from '../sqlite/migrations.js';
import { type Cell, type Row, type StoreTransfer, type TransferTable, transferColumns } from './types.js';

type Doc = Record<string, unknown>;

interface Mapping {
  collection: ModelName;
  /** The column that is the document's _id (none: MongoDB makes one). */
  key?: string;
  bools?: string[];
  /** Columns holding JSON text in SQLite and a value in MongoDB. */
  json?: string[];
  /** A millisecond column that is a Date field (`expires_at` → `expiresAt`). */
  expires?: boolean;
  /** The order rows are written in, where it carries meaning (SQLite's rowid order). */
  sort?: Record<string, 1 | -1>;
  /** Fields MongoDB derives from the row. */
  derive?(row: Row): Doc;
}

const mappings: Partial<Record<TransferTable, Mapping>> = {
  accounts: { collection: 'accounts', key: 'id', bools: ['disabled', 'email_verified', 'phone_verified'], derive: (row) => ({ username_key: usernameKey(String(row.username)), groups: [] }) },
  clients: { collection: 'clients', key: 'client_id', bools: ['public', 'first_party', 'backchannel_logout_session_required', 'legacy'], json: ['redirect_uris', 'post_logout_redirect_uris', 'jwks', 'grant_types'] },
  credentials: { collection: 'credentials', key: 'id', bools: ['defaultable'] },
  challenges: { collection: 'challenges', key: 'uid', expires: true },
  regulation: { collection: 'regulation', key: 'subject', bools: ['permanent'], derive: () => ({ revision: 0 }) },
  attempts: { collection: 'attempts', bools: ['ok'], derive: (row) => ({ expiresAt: new Date(Number(row.at) + attemptLifetime) }) },
  remembered_devices: { collection: 'rememberedDevices', key: 'id', expires: true },
  enrollment_skips: { collection: 'enrollmentSkips', key: 'account_id' },
  audit: { collection: 'audit' },
  phone_calls: { collection: 'phoneCalls', key: 'id', derive: (row) => ({ expiresAt: new Date(Number(row.created_at) + phoneLifetime) }) },
  phone_texts: { collection: 'phoneTexts', key: 'id', derive: (row) => ({ expiresAt: new Date(Number(row.created_at) + phoneLifetime) }) },
  fraud_reports: { collection: 'fraudReports', key: 'id' },
  fraud_blocks: { collection: 'fraudBlocks', key: 'account_id' },
  // A SQLite row has no `_id`: MongoDB's is made on insert, the serial stays unique per method.
  token_inventory: { collection: 'tokenInventory', derive: () => ({ _id: orderedId() }) },
  // The slot (see mongo/appPasswords.ts) is numbered per account by `load`.
  app_passwords: { collection: 'appPasswords', key: 'id', sort: { created_at: 1, _id: 1 } },
  push_activations: { collection: 'pushActivations', key: 'id', derive: (row) => ({ expiresAt: new Date(Number(row.expires_at) + pushKeepFor) }) },
  // The rows come in SQLite's rowid order, so ids made one after another keep the order of requests.
  push_challenges: { collection: 'pushChallenges', key: 'id', sort: { seq: 1 },
    derive: (row) => ({ expiresAt: new Date(Number(row.expires_at) + pushKeepFor), seq: orderedId() }) },
  push_subscriptions: { collection: 'pushSubscriptions', key: 'device_id' },
  oidc_payloads: {
    collection: 'oidcPayloads', expires: true,
    derive: (row) => ({ account_id: accountOf(String(row.model), JSON.parse(String(row.payload)) as Record<string, unknown>) }),
  },
};

/** Every column of the table, null where the document has no such field (a field added later). */
function toRow(table: TransferTable, mapping: Mapping, doc: Doc): Row {
  const row: Row = {};
  for (const column of transferColumns[table]) {
    if (column === mapping.key) row[column] = doc._id as string;
    else if (column === 'expires_at' && mapping.expires) row[column] = doc.expiresAt instanceof Date ? doc.expiresAt.getTime() : null;
    else if (mapping.bools?.includes(column)) row[column] = doc[column] ? 1 : 0;
    else if (mapping.json?.includes(column)) row[column] = doc[column] === null || doc[column] === undefined ? null : JSON.stringify(doc[column]);
    else row[column] = (doc[column] ?? null) as Cell;
  }
  return row;
}

function toDoc(mapping: Mapping, row: Row): Doc {
  const doc: Doc = {};
  for (const [column, value] of Object.entries(row)) {
    if (column === mapping.key) doc._id = value;
    else if (column === 'expires_at' && mapping.expires) doc.expiresAt = value === null ? null : new Date(Number(value));
    else if (mapping.bools?.includes(column)) doc[column] = value === 1;
    else if (mapping.json?.includes(column)) doc[column] = value === null ? null : JSON.parse(String(value));
    else doc[column] = value;
  }
  return { ...doc, ...mapping.derive?.(row) };
}

export function mongoTransfer(connection: MongoConnection): StoreTransfer {
  const models: Models = bindModels(connection);
  return {
    rowsVersion: migrations.at(-1)!.version,
    async *rows(table) {
      if (table === 'account_groups') {
        for await (const account of models.accounts.find({}, { groups: 1 }).lean().cursor()) {
          for (const name of (account.groups as string[]) ?? []) yield { account_id: account._id as string, name };
        }
        return;
      }
      if (table === 'methods_versions') {
        for await (const doc of models.credentialAccounts.find().lean().cursor()) yield { account_id: doc._id as string, version: doc.version as number };
        return;
      }
      if (table === 'credentials') {
        const defaults = new Set((await models.credentialAccounts.find({}, { default_id: 1 }).lean()).map((doc) => doc.default_id as string | null));
        for await (const doc of models.credentials.find().sort({ created_at: 1, _id: 1 }).lean().cursor()) {
          yield { ...toRow('credentials', mappings.credentials!, doc as Doc), is_default: defaults.has(doc._id as string) ? 1 : 0 };
        }
        return;
      }
      if (table === 'audit') {
        // SQLite numbers the audit log itself; order is what carries over.
        for await (const doc of models.audit.find().sort({ _id: 1 }).lean().cursor()) {
          const { id, ...row } = toRow('audit', mappings.audit!, doc as Doc);
          void id;
          yield row;
        }
        return;
      }
      const mapping = mappings[table]!;
      for await (const doc of models[mapping.collection].find().sort(mapping.sort ?? {}).lean().cursor()) yield toRow(table, mapping, doc as Doc);
    },
    async isEmpty() {
      const counts = await Promise.all((Object.keys(models) as ModelName[]).filter((name) => name !== 'meta').map((name) => models[name].estimatedDocumentCount()));
      return counts.every((count) => count === 0);
    },
    async transactionsUnavailable() {
      const db = connection.db;
      if (db && (await keepsOplog(db))) return null;
      return 'this MongoDB server is standalone (not a replica set), which has no transactions';
    },
    async load(tables, { transaction }) {
      if (!transaction) return write(models, tables, {});
      // One transaction across every collection: a record MongoDB refuses (a duplicate key) aborts
      // all of it, as SQLite's import does. withTransaction retries the whole write on a transient
      // error (an election); every write carries the session, or it would land outside it.
      const session = await connection.startSession();
      try {
        await session.withTransaction(() => write(models, tables, { session }));
      } finally {
        await session.endSession();
      }
    },
  };
}

/** Every table's rows as documents, in order; with a session, inside its transaction. */
async function write(models: Models, tables: Map<TransferTable, Row[]>, options: { session?: ClientSession }) {
  for (const [table, rows] of tables) {
    if (!rows.length) continue;
    if (table === 'account_groups') {
      for (const row of rows) await models.accounts.updateOne({ _id: row.account_id }, { $addToSet: { groups: row.name } }, options);
    } else if (table === 'methods_versions') {
      for (const row of rows) await models.credentialAccounts.updateOne({ _id: row.account_id }, { $set: { version: row.version } }, { ...options, upsert: true });
    } else if (table === 'credentials') {
      await models.credentials.insertMany(rows.map(({ is_default: isDefault, ...row }) => { void isDefault; return toDoc(mappings.credentials!, row); }), options);
      for (const row of rows.filter((r) => r.is_default === 1)) {
        await models.credentialAccounts.updateOne({ _id: row.account_id }, { $set: { default_id: row.id }, $setOnInsert: { version: 0 } }, { ...options, upsert: true });
      }
    } else if (table === 'app_passwords') {
      const slots = new Map<unknown, number>();
      await models.appPasswords.insertMany(rows.map((row) => {
        const slot = slots.get(row.account_id) ?? 0;
        slots.set(row.account_id, slot + 1);
        return { ...toDoc(mappings.app_passwords!, row), slot };
      }), options);
    } else if (table === 'audit') {
      await models.audit.insertMany(rows.map(({ id, ...row }) => { void id; return toDoc(mappings.audit!, row); }), options);
    } else {
      const mapping = mappings[table]!;
      await models[mapping.collection].insertMany(rows.map((row) => toDoc(mapping, row)), options);
    }
  }
}
