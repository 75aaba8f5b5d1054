// What `twofold db export`/`import` move: every record of a store as rows of the SQLite
// schema, one table after another. Sealed values stay sealed: both stores seal with the same
// contexts (types.ts sealContext), so they move verbatim and open wherever the key is the same.

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

/** Tables in the order they are written and read back (a table before those that refer to it). */
export const transferTables = [
  'accounts', 'account_groups', 'clients', 'credentials', 'methods_versions', 'challenges', 'regulation', 'attempts',
  'remembered_devices', 'enrollment_skips', 'audit', 'phone_calls', 'phone_texts', 'fraud_reports', 'fraud_blocks', 'oidc_payloads',
  'token_inventory', 'app_passwords', 'push_activations', 'push_challenges', 'push_subscriptions',
] as const;
export type TransferTable = (typeof transferTables)[number];

/** Each table's columns (the SQLite schema at `rowsVersion`; test/store/transfer.test.ts keeps
 * them equal). An import refuses any other column before it writes anything. */
export const transferColumns: Record<TransferTable, readonly string[]> = {
  accounts: ['id', 'username', 'display_name', 'email', 'phone_sealed', 'password_hash', 'disabled', 'created_at', 'updated_at', 'email_verified', 'phone_verified'],
  account_groups: ['account_id', 'name'],
  clients: ['client_id', 'name', 'public', 'first_party', 'redirect_uris', 'post_logout_redirect_uris', 'secret_sealed', 'created_at', 'auth_method', 'jwks_uri', 'jwks',
    'grant_types', 'pkce', 'id_token_alg', 'backchannel_logout_uri', 'backchannel_logout_session_required', 'legacy'],
  credentials: ['id', 'account_id', 'method', 'label', 'secret_sealed', 'is_default', 'last_step', 'created_at', 'last_used_at', 'data', 'external_id', 'version', 'defaultable'],
  methods_versions: ['account_id', 'version'],
  challenges: ['uid', 'account_id', 'data_sealed', 'expires_at'],
  regulation: ['subject', 'failures', 'locks', 'locked_until', 'permanent', 'updated_at'],
  attempts: ['subject', 'network', 'ok', 'at'],
  remembered_devices: ['id', 'account_id', 'token_hash', 'method', 'label', 'created_at', 'expires_at', 'methods_version', 'last_used_at', 'ip'],
  enrollment_skips: ['account_id', 'login_ts'],
  audit: ['id', 'at', 'type', 'result', 'account_id', 'username', 'client_id', 'ip', 'user_agent', 'rule', 'method', 'reason', 'actor'],
  phone_calls: ['id', 'adapter', 'external_id', 'to_sealed', 'extension_sealed', 'mode', 'script', 'status', 'keys_sealed', 'detail', 'created_at', 'settled_at'],
  phone_texts: ['id', 'adapter', 'to_sealed', 'body_sealed', 'created_at'],
  fraud_reports: ['id', 'at', 'account_id', 'username', 'client_id', 'ip', 'user_agent', 'method'],
  fraud_blocks: ['account_id', 'since', 'until', 'report_id'],
  oidc_payloads: ['model', 'id', 'payload', 'grant_id', 'user_code', 'uid', 'expires_at', 'consumed_at'],
  token_inventory: ['method', 'serial', 'secret_sealed', 'data', 'last_step', 'account_id', 'imported_at'],
  app_passwords: ['id', 'account_id', 'name', 'prefix', 'hash', 'created_at', 'last_used_at'],
  push_activations: ['id', 'account_id', 'username', 'code_hash', 'secrets_sealed', 'device_id', 'device_key', 'device_name', 'activated_at', 'finished_at',
    'created_at', 'expires_at'],
  push_challenges: ['id', 'account_id', 'purpose', 'number_sealed', 'context', 'status', 'answered_by', 'answered_at', 'taken_at', 'created_at', 'expires_at'],
  push_subscriptions: ['device_id', 'account_id', 'subscription_sealed'],
};

/** An adapter's side of a transfer. A repository added to the store adds its table to
 * `transferTables` and to both adapters' transfers. */
export interface StoreTransfer {
  /** The version of the row shapes (SQLite's latest migration): an export is read back only by the same. */
  rowsVersion: number;
  rows(table: TransferTable): AsyncIterable<Row>;
  /** Whether the store holds no account, client, credential or protocol record. */
  isEmpty(): Promise<boolean>;
  /** Why `load` cannot run in one transaction here (a standalone MongoDB server), or null when it can. */
  transactionsUnavailable(): Promise<string | null>;
  /** Writes everything; throws when the store refuses a record (a duplicate, a missing value).
   * In one transaction unless `transaction` is false: then a failure leaves what was written so
   * far. SQLite always uses one (it costs nothing there). */
  load(tables: Map<TransferTable, Row[]>, options: { transaction: boolean }): Promise<void>;
}
