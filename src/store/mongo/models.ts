// One collection per concern, with the indexes `twofold db migrate` creates. Field names are the
// SQLite adapter's column names, so `twofold db export`/`import` move records between the two
// stores without a translation table; values take MongoDB's own types (booleans, arrays, dates).
import mongoose, { type IndexDefinition, type IndexOptions, Schema } from 'mongoose';
import type { MongoConnection } from './connection.js';

const { Mixed } = Schema.Types;
const options = { versionKey: false, strict: true, minimize: false, id: false } as const;

/** Schema with the fields every document has, the indexes migrate creates, and the collection. */
function define(collection: string, fields: Record<string, unknown>, indexes: [IndexDefinition, IndexOptions?][] = []) {
  const schema = new Schema(fields, { ...options, collection });
  for (const [fields, indexOptions] of indexes) schema.index(fields, indexOptions);
  return schema;
}

// TTL deletion runs about once a minute and may lag further under load, so every read also
// compares `expiresAt` with the store's clock; the TTL index only keeps collections small.
const ttl: [IndexDefinition, IndexOptions] = [{ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiry' }];
// A partial filter on `$type: 'string'` leaves out documents whose value is null: SQLite's
// `WHERE x IS NOT NULL` unique indexes allow any number of rows without a value.
const present = (field: string) => ({ partialFilterExpression: { [field]: { $type: 'string' } } });

export const schemas = {
  accounts: define('accounts', {
    _id: String,
    username: String,
    // SQLite compares usernames with COLLATE NOCASE; MongoDB gets the folded name as its own
    // field, so the unique index and every lookup agree without a collation on each query.
    username_key: String,
    display_name: String,
    email: String,
    email_verified: Boolean,
    phone_sealed: String,
    phone_verified: Boolean,
    password_hash: String,
    disabled: Boolean,
    groups: [String],
    created_at: Number,
    updated_at: Number,
  }, [[{ username_key: 1 }, { unique: true }]]),
  clients: define('clients', {
    _id: String,
    name: String,
    public: Boolean,
    first_party: Boolean,
    redirect_uris: [String],
    post_logout_redirect_uris: [String],
    secret_sealed: String,
    created_at: Number,
    auth_method: String,
    jwks_uri: String,
    jwks: Mixed,
    grant_types: [String],
    pkce: String,
    id_token_alg: String,
    backchannel_logout_uri: String,
    backchannel_logout_session_required: Boolean,
    legacy: Boolean,
  }),
  credentials: define('credentials', {
    _id: String,
    account_id: String,
    method: String,
    label: String,
    secret_sealed: String,
    // JSON text, as in SQLite: a method's data may have any keys (dots, `$`), which MongoDB
    // field names and mongoose's update casting would not keep verbatim.
    data: String,
    external_id: String,
    last_step: Number,
    version: Number,
    defaultable: Boolean,
    created_at: Number,
    last_used_at: Number,
  }, [[{ account_id: 1, created_at: 1, _id: 1 }], [{ method: 1, external_id: 1 }, { unique: true, ...present('external_id') }]]),
  // Per account: the methods version and which credential is the default. Holding the default
  // here, not as a flag on each credential, makes "exactly one default" one document's
  // conditional update instead of a multi-document transaction.
  credentialAccounts: define('credential_accounts', { _id: String, version: Number, default_id: String }),
  challenges: define('challenges', { _id: String, account_id: String, data_sealed: String, expiresAt: Date }, [ttl]),
  regulation: define('regulation', {
    _id: String,
    failures: Number,
    locks: Number,
    locked_until: Number,
    permanent: Boolean,
    updated_at: Number,
    // Compare-and-set token for AttemptStore.update.
    revision: Number,
  }, [[{ updated_at: 1 }, { partialFilterExpression: { permanent: false } }]]),
  attempts: define('attempts', { subject: String, network: String, ok: Boolean, at: Number, expiresAt: Date }, [
    [{ network: 1, at: 1 }, { partialFilterExpression: { ok: false } }],
    [{ subject: 1, at: 1 }],
    ttl,
  ]),
  rememberedDevices: define('remembered_devices', {
    _id: String,
    account_id: String,
    token_hash: String,
    method: String,
    label: String,
    created_at: Number,
    expiresAt: Date,
    methods_version: Number,
    last_used_at: Number,
    ip: String,
  }, [[{ token_hash: 1 }, { unique: true }], [{ account_id: 1, created_at: 1 }], ttl]),
  enrollmentSkips: define('enrollment_skips', { _id: String, login_ts: Number }),
  audit: define('audit', {
    at: Number,
    type: String,
    result: String,
    account_id: String,
    username: String,
    client_id: String,
    ip: String,
    user_agent: String,
    rule: String,
    method: String,
    reason: String,
    actor: String,
  }, [[{ account_id: 1, _id: -1 }]]),
  phoneCalls: define('phone_calls', {
    _id: String,
    adapter: String,
    external_id: String,
    to_sealed: String,
    extension_sealed: String,
    mode: String,
    script: String,
    status: String,
    keys_sealed: String,
    detail: String,
    created_at: Number,
    settled_at: Number,
    expiresAt: Date,
  }, [[{ adapter: 1, external_id: 1 }, { unique: true, ...present('external_id') }], [{ created_at: -1 }], ttl]),
  phoneTexts: define('phone_texts', { _id: String, adapter: String, to_sealed: String, body_sealed: String, created_at: Number, expiresAt: Date }, [
    [{ created_at: -1 }],
    ttl,
  ]),
  fraudReports: define('fraud_reports', {
    _id: String,
    at: Number,
    account_id: String,
    username: String,
    client_id: String,
    ip: String,
    user_agent: String,
    method: String,
  }, [[{ account_id: 1, at: -1 }], [{ at: -1 }]]),
  fraudBlocks: define('fraud_blocks', { _id: String, since: Number, until: Number, report_id: String }),
  oidcPayloads: define('oidc_payloads', {
    model: String,
    id: String,
    // JSON text: oidc-provider's payloads carry claims and keys MongoDB field names may not.
    payload: String,
    grant_id: String,
    user_code: String,
    uid: String,
    // Copied out of the payload for the models that carry a sign-in (endAccountSessions).
    account_id: String,
    // Null for models that never expire (TTL ignores documents without a date).
    expiresAt: Date,
    consumed_at: Number,
  }, [
    [{ model: 1, id: 1 }, { unique: true }],
    [{ model: 1, grant_id: 1 }, present('grant_id')],
    [{ model: 1, uid: 1 }, { unique: true, ...present('uid') }],
    [{ model: 1, user_code: 1 }, { unique: true, ...present('user_code') }],
    [{ account_id: 1 }, present('account_id')],
    ttl,
  ]),
  // Hardware tokens imported and not yet activated; a serial once per method.
  tokenInventory: define('token_inventory', {
    _id: String,
    method: String,
    serial: String,
    secret_sealed: String,
    data: String,
    last_step: Number,
    account_id: String,
    imported_at: Number,
  }, [[{ method: 1, serial: 1 }, { unique: true }], [{ method: 1, account_id: 1, serial: 1 }, present('account_id')]]),
  appPasswords: define('app_passwords', {
    _id: String,
    account_id: String,
    name: String,
    prefix: String,
    hash: String,
    created_at: Number,
    last_used_at: Number,
    slot: Number,
  }, [[{ account_id: 1, slot: 1 }, { unique: true }], [{ account_id: 1, created_at: 1, _id: 1 }]]),
  pushActivations: define('push_activations', {
    _id: String,
    account_id: String,
    username: String,
    code_hash: String,
    secrets_sealed: String,
    device_id: String,
    device_key: String,
    device_name: String,
    activated_at: Number,
    finished_at: Number,
    created_at: Number,
    expires_at: Number,
    expiresAt: Date,
  }, [[{ code_hash: 1 }, { unique: true }], [{ device_id: 1 }, { unique: true, ...present('device_id') }], ttl]),
  pushChallenges: define('push_challenges', {
    _id: String,
    account_id: String,
    purpose: String,
    number_sealed: String,
    context: String,
    status: String,
    answered_by: String,
    answered_at: Number,
    taken_at: Number,
    created_at: Number,
    expires_at: Number,
    expiresAt: Date,
    seq: String,
  }, [[{ account_id: 1, created_at: 1, seq: 1 }], ttl]),
  pushSubscriptions: define('push_subscriptions', { _id: String, account_id: String, subscription_sealed: String }, [[{ account_id: 1 }]]),
  // Which version of the collections and indexes `twofold db migrate` last brought the database to.
  meta: define('twofold_meta', { _id: String, version: Number, applied_at: Number }),
};

export type ModelName = keyof typeof schemas;
// Documents are read with lean(): plain objects whose shape each repository declares.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Models = { [name in ModelName]: mongoose.Model<any> };

export function bindModels(connection: MongoConnection): Models {
  return Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [name, connection.models[name] ?? connection.model(name, schema)]),
  ) as Models;
}
