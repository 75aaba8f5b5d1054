// Versioned schema changes, applied in order at start. Never edit a released migration: add one.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'accounts, clients and oidc-provider models',
    sql: `
      CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT,
        email TEXT,
        phone_sealed TEXT,
        password_hash TEXT,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE account_groups (
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        PRIMARY KEY (account_id, name)
      ) WITHOUT ROWID;
      CREATE TABLE clients (
        client_id TEXT PRIMARY KEY,
        name TEXT,
        public INTEGER NOT NULL,
        first_party INTEGER NOT NULL,
        redirect_uris TEXT NOT NULL,
        post_logout_redirect_uris TEXT NOT NULL,
        secret_sealed TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE oidc_payloads (
        model TEXT NOT NULL,
        id TEXT NOT NULL,
        payload TEXT NOT NULL,
        grant_id TEXT,
        user_code TEXT,
        uid TEXT,
        expires_at INTEGER,
        consumed_at INTEGER,
        PRIMARY KEY (model, id)
      ) WITHOUT ROWID;
      CREATE INDEX oidc_payloads_grant ON oidc_payloads (model, grant_id) WHERE grant_id IS NOT NULL;
      CREATE UNIQUE INDEX oidc_payloads_uid ON oidc_payloads (model, uid) WHERE uid IS NOT NULL;
      CREATE UNIQUE INDEX oidc_payloads_user_code ON oidc_payloads (model, user_code) WHERE user_code IS NOT NULL;
      CREATE INDEX oidc_payloads_expiry ON oidc_payloads (expires_at) WHERE expires_at IS NOT NULL;
    `,
  },
  {
    version: 2,
    name: 'second factors: credentials, sign-in state, regulation, remembered devices, audit',
    sql: `
      -- No foreign key to accounts: as a plugin, Twofold keeps factors for accounts it does not store.
      CREATE TABLE credentials (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        method TEXT NOT NULL,
        label TEXT,
        secret_sealed TEXT,
        is_default INTEGER NOT NULL DEFAULT 0,
        last_step INTEGER,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER
      );
      CREATE INDEX credentials_account ON credentials (account_id);
      CREATE TABLE methods_versions (account_id TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE challenges (
        uid TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        data_sealed TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE regulation (
        subject TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        locks INTEGER NOT NULL,
        locked_until INTEGER,
        permanent INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX regulation_idle ON regulation (updated_at) WHERE permanent = 0;
      CREATE TABLE attempts (
        subject TEXT NOT NULL,
        network TEXT NOT NULL,
        ok INTEGER NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX attempts_network ON attempts (network, at) WHERE ok = 0;
      CREATE TABLE remembered_devices (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        method TEXT NOT NULL,
        label TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        methods_version INTEGER NOT NULL,
        last_used_at INTEGER
      );
      CREATE INDEX remembered_devices_account ON remembered_devices (account_id);
      CREATE TABLE enrollment_skips (account_id TEXT PRIMARY KEY, login_ts INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        result TEXT NOT NULL,
        account_id TEXT,
        username TEXT,
        client_id TEXT,
        ip TEXT,
        user_agent TEXT,
        rule TEXT,
        method TEXT,
        reason TEXT
      );
      CREATE INDEX audit_account ON audit (account_id, id);
    `,
  },
  {
    version: 3,
    name: 'credentials carry what methods need; audit records who acted',
    sql: `
      ALTER TABLE credentials ADD COLUMN data TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE credentials ADD COLUMN external_id TEXT;
      ALTER TABLE credentials ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE credentials ADD COLUMN defaultable INTEGER NOT NULL DEFAULT 1;
      CREATE UNIQUE INDEX credentials_external ON credentials (method, external_id) WHERE external_id IS NOT NULL;
      ALTER TABLE audit ADD COLUMN actor TEXT;
      CREATE INDEX attempts_subject ON attempts (subject, at);
    `,
  },
  {
    version: 4,
    name: 'client options (auth method, keys, grants, pkce, id token alg, back-channel logout); verified email and phone',
    sql: `
      ALTER TABLE clients ADD COLUMN auth_method TEXT NOT NULL DEFAULT 'client_secret_basic';
      UPDATE clients SET auth_method = 'none' WHERE public = 1;
      ALTER TABLE clients ADD COLUMN jwks_uri TEXT;
      ALTER TABLE clients ADD COLUMN jwks TEXT;
      ALTER TABLE clients ADD COLUMN grant_types TEXT NOT NULL DEFAULT '["authorization_code","refresh_token"]';
      ALTER TABLE clients ADD COLUMN pkce TEXT NOT NULL DEFAULT 'required';
      ALTER TABLE clients ADD COLUMN id_token_alg TEXT NOT NULL DEFAULT 'RS256';
      ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT;
      ALTER TABLE clients ADD COLUMN backchannel_logout_session_required INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE accounts ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE accounts ADD COLUMN phone_verified INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 6,
    name: 'telephony: calls placed and the development outbox; fraud reports and blocks',
    sql: `
      CREATE TABLE phone_calls (
        id TEXT PRIMARY KEY,
        adapter TEXT NOT NULL,
        external_id TEXT,
        to_sealed TEXT NOT NULL,
        extension_sealed TEXT,
        mode TEXT NOT NULL,
        script TEXT NOT NULL,
        status TEXT NOT NULL,
        keys_sealed TEXT,
        detail TEXT,
        created_at INTEGER NOT NULL,
        settled_at INTEGER
      );
      CREATE UNIQUE INDEX phone_calls_external ON phone_calls (adapter, external_id) WHERE external_id IS NOT NULL;
      CREATE INDEX phone_calls_created ON phone_calls (created_at);
      CREATE TABLE phone_texts (
        id TEXT PRIMARY KEY,
        adapter TEXT NOT NULL,
        to_sealed TEXT NOT NULL,
        body_sealed TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX phone_texts_created ON phone_texts (created_at);
      CREATE TABLE fraud_reports (
        id TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        account_id TEXT NOT NULL,
        username TEXT,
        client_id TEXT,
        ip TEXT,
        user_agent TEXT,
        method TEXT NOT NULL
      );
      CREATE INDEX fraud_reports_account ON fraud_reports (account_id, at);
      CREATE INDEX fraud_reports_at ON fraud_reports (at);
      CREATE TABLE fraud_blocks (
        account_id TEXT PRIMARY KEY,
        since INTEGER NOT NULL,
        until INTEGER,
        report_id TEXT
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    name: "oidc-provider records found by account, to end an account's sessions and tokens",
    sql: `
      CREATE INDEX oidc_payloads_account ON oidc_payloads (json_extract(payload, '$.accountId'))
        WHERE model IN ('Session', 'Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode');
    `,
  },
  {
    version: 8,
    name: 'hardware token inventory (imported, not yet activated); app passwords; legacy clients',
    sql: `
      -- A token waits here from its import until its person activates it; it then becomes a
      -- credential (and comes back here if an administrator unassigns it).
      CREATE TABLE token_inventory (
        method TEXT NOT NULL,
        serial TEXT NOT NULL,
        secret_sealed TEXT NOT NULL,
        data TEXT NOT NULL,
        last_step INTEGER,
        account_id TEXT,
        imported_at INTEGER NOT NULL,
        PRIMARY KEY (method, serial)
      ) WITHOUT ROWID;
      CREATE INDEX token_inventory_account ON token_inventory (account_id) WHERE account_id IS NOT NULL;
      CREATE TABLE app_passwords (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER
      );
      CREATE INDEX app_passwords_account ON app_passwords (account_id);
      ALTER TABLE clients ADD COLUMN legacy INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 9,
    name: 'authenticator app: activations (device keys until proven), push requests, Web Push subscriptions',
    sql: `
      CREATE TABLE push_activations (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        username TEXT NOT NULL,
        code_hash TEXT NOT NULL UNIQUE,
        secrets_sealed TEXT NOT NULL,
        device_id TEXT UNIQUE,
        device_key TEXT,
        device_name TEXT,
        activated_at INTEGER,
        finished_at INTEGER,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX push_activations_expires ON push_activations (expires_at);
      CREATE TABLE push_challenges (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        number_sealed TEXT NOT NULL,
        context TEXT NOT NULL,
        status TEXT NOT NULL,
        answered_by TEXT,
        answered_at INTEGER,
        taken_at INTEGER,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX push_challenges_account ON push_challenges (account_id, created_at);
      CREATE TABLE push_subscriptions (
        device_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        subscription_sealed TEXT NOT NULL
      );
      CREATE INDEX push_subscriptions_account ON push_subscriptions (account_id);
    `,
  },
  {
    version: 11,
    name: 'remembered devices: the address each was last seen from, to tell identical browsers apart',
    sql: `
      ALTER TABLE remembered_devices ADD COLUMN ip TEXT;
    `,
  },
];
