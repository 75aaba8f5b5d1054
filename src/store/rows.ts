// The records both adapters keep, by the SQLite column names: a SQLite row is one of these, a
// MongoDB document the same with its key as `_id` (`Keyed`) and what MongoDB adds (an `expiresAt`
// Date for its TTL index, a slot, an order). `twofold db export`/`import` move them unchanged.
// Where both read a record the same way, the reading is here too. A MongoDB document may lack
// a field written as null, hence the `?? null`s.
import type { SecretBox } from '../crypto/secretBox.js';
import { type AuditEvent, type PhoneCall, type PushActivation, type PushChallenge, type PushStatus, sealContext } from './types.js';

/** The MongoDB document for a row: its `id` is the document's `_id`. */
export type Keyed<Row extends { id: string }> = Omit<Row, 'id'> & { _id: string };

export interface AuditRow {
  at: number;
  type: string;
  result: AuditEvent['result'];
  account_id: string | null;
  username: string | null;
  client_id: string | null;
  ip: string | null;
  user_agent: string | null;
  rule: string | null;
  method: string | null;
  reason: string | null;
  actor: string | null;
}

/** A second-factor credential; each store adds how it keeps `defaultable` (and SQLite `is_default`). */
export interface CredentialRow {
  id: string;
  account_id: string;
  method: string;
  label: string | null;
  secret_sealed: string | null;
  /** JSON text (any keys survive). */
  data: string;
  external_id: string | null;
  last_step: number | null;
  version: number;
  created_at: number;
  last_used_at: number | null;
}

export interface CallRow {
  id: string;
  adapter: string;
  external_id: string | null;
  to_sealed: string;
  extension_sealed: string | null;
  mode: PhoneCall['mode'];
  script: string;
  status: PhoneCall['status'];
  keys_sealed: string | null;
  detail: string | null;
  created_at: number;
  settled_at: number | null;
}

export interface TextRow {
  id: string;
  adapter: string;
  to_sealed: string;
  body_sealed: string;
  created_at: number;
}

export interface FraudReportRow {
  id: string;
  at: number;
  account_id: string;
  username: string | null;
  client_id: string | null;
  ip: string | null;
  user_agent: string | null;
  method: string;
}

/** A hardware token waiting in the inventory (keyed by method and serial). */
export interface InventoryRow {
  method: string;
  serial: string;
  secret_sealed: string;
  /** JSON text, as in the credentials. */
  data: string;
  last_step: number | null;
  account_id: string | null;
  imported_at: number;
}

export interface AppPasswordRow {
  id: string;
  account_id: string;
  name: string;
  prefix: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
}

export interface PushActivationRow {
  id: string;
  account_id: string;
  username: string;
  secrets_sealed: string;
  device_id: string | null;
  device_key: string | null;
  device_name: string | null;
  activated_at: number | null;
  created_at: number;
  expires_at: number;
}

export interface PushChallengeRow {
  id: string;
  account_id: string;
  purpose: string;
  number_sealed: string;
  context: string;
  status: string;
  answered_by: string | null;
  answered_at: number | null;
  taken_at: number | null;
  created_at: number;
  expires_at: number;
}

export function readPushActivation(row: PushActivationRow, box: SecretBox): PushActivation {
  const secrets = JSON.parse(box.open(row.secrets_sealed, sealContext.pushActivation(row.id, row.account_id))) as { totp: string | null; confirmation: string };
  return {
    id: row.id,
    accountId: row.account_id,
    username: row.username,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    device: row.device_id ? { deviceId: row.device_id, publicKey: JSON.parse(row.device_key!) as Record<string, unknown>, name: row.device_name ?? '' } : null,
    activatedAt: row.activated_at ?? null,
    totpSecret: secrets.totp,
    confirmation: secrets.confirmation,
  };
}

export function readPushChallenge(row: PushChallengeRow, box: SecretBox): PushChallenge {
  return {
    id: row.id,
    accountId: row.account_id,
    purpose: row.purpose as PushChallenge['purpose'],
    number: box.open(row.number_sealed, sealContext.pushChallenge(row.id, row.account_id)),
    context: JSON.parse(row.context) as PushChallenge['context'],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    status: row.status as PushStatus,
    answeredBy: row.answered_by ?? null,
    answeredAt: row.answered_at ?? null,
    takenAt: row.taken_at ?? null,
  };
}
