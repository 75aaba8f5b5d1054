// The narrow interfaces the rest of Twofold reaches the store through. Every adapter
// (SQLite, MongoDB) implements all of them and passes test/store/contract.ts.
//
// Operations marked ATOMIC must hold when several requests (or several provider nodes) race:
// a networked adapter implements each as one conditional update or compare-and-set, never as
// a read followed by a write.

export interface Account {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  /** Whether the address was proven to belong to the person (an administrator's word counts). */
  emailVerified: boolean;
  phone: string | null;
  /** Whether the number was proven: an administrator's word, or a text or call answered. */
  phoneVerified: boolean;
  groups: string[];
  disabled: boolean;
  createdAt: number;
}

export interface NewAccount {
  username: string;
  passwordHash: string;
  displayName?: string | null;
  email?: string | null;
  emailVerified?: boolean;
  phone?: string | null;
  phoneVerified?: boolean;
  groups?: string[];
}

/** Profile fields an administrator may change; those left out stay as they are. */
export interface AccountProfileChange {
  displayName?: string | null;
  email?: string | null;
  emailVerified?: boolean;
  phone?: string | null;
  phoneVerified?: boolean;
}

export interface AccountStore {
  /** Throws StoreConflictError when the username (compared without case) is taken. */
  create(input: NewAccount): Promise<Account>;
  findById(id: string): Promise<Account | undefined>;
  findByUsername(username: string): Promise<Account | undefined>;
  passwordHash(id: string): Promise<string | undefined>;
  setPasswordHash(id: string, hash: string): Promise<void>;
  /** False when there is no such account. */
  setDisabled(id: string, disabled: boolean): Promise<boolean>;
  /** Replaces the account's groups; false when there is no such account. */
  setGroups(id: string, groups: string[]): Promise<boolean>;
  /** Deletes the account; false when there is no such account. */
  remove(id: string): Promise<boolean>;
  /** Changes the fields given; false when there is no such account. */
  updateProfile(id: string, change: AccountProfileChange): Promise<boolean>;
  list(): Promise<Account[]>;
}

/** How a client proves itself at the token endpoint (`none`: a public client, which has no secret). */
export const clientAuthMethods = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'] as const;
export type ClientAuthMethod = (typeof clientAuthMethods)[number];

/** Grants a client may use; `refresh_token` comes with `authorization_code`. */
export const clientGrantTypes = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type ClientGrantType = (typeof clientGrantTypes)[number];

export const idTokenAlgs = ['RS256', 'ES256'] as const;
export type IdTokenAlg = (typeof idTokenAlgs)[number];

export interface ClientRecord {
  clientId: string;
  name: string | null;
  /** A browser or native app without a secret: its auth method is `none`. */
  public: boolean;
  firstParty: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** The plain secret of a confidential client; stored encrypted. */
  secret: string | null;
  authMethod: ClientAuthMethod;
  /** The client's public keys for `private_key_jwt`: at a URL, or the JWK Set itself. */
  jwksUri: string | null;
  jwks: { keys: Record<string, unknown>[] } | null;
  grantTypes: ClientGrantType[];
  /** `optional` only for a confidential client whose software cannot send PKCE. */
  pkce: 'required' | 'optional';
  idTokenAlg: IdTokenAlg;
  /** Where the logout token goes when a session ends (OpenID Connect Back-Channel Logout). */
  backchannelLogoutUri: string | null;
  backchannelLogoutSessionRequired: boolean;
  /** An older app that can only send a username and a password: it may use the resource-owner
   * password grant, with an app password. */
  legacy: boolean;
  createdAt: number;
}

export interface ClientStore {
  /** Throws StoreConflictError when the client id is taken. */
  create(client: ClientRecord): Promise<void>;
  find(clientId: string): Promise<ClientRecord | undefined>;
  list(): Promise<ClientRecord[]>;
  /** Replaces the client's registration (its id and creation time stay); false when there is no such client. */
  update(client: ClientRecord): Promise<boolean>;
  /** False when there is no such client. */
  remove(clientId: string): Promise<boolean>;
}

/** oidc-provider's adapter contract, one instance per model name. */
export interface OidcAdapter {
  upsert(id: string, payload: OidcPayload, expiresIn: number): Promise<void>;
  find(id: string): Promise<OidcPayload | undefined>;
  findByUserCode(userCode: string): Promise<OidcPayload | undefined>;
  findByUid(uid: string): Promise<OidcPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export interface OidcPayload {
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumed?: number;
  [key: string]: unknown;
}

/** A second-factor method a person set up. */
export interface Credential {
  id: string;
  accountId: string;
  /** The factor's id (`totp`, `sms`, ...). */
  method: string;
  label: string | null;
  /** The factor's secret (an authenticator seed, a phone number); stored encrypted. */
  secret: string | null;
  /** What the factor keeps in the open: digits and period, a token's serial and model, a
   * passkey's public key and transports, the hashes of recovery codes. */
  data: Record<string, unknown>;
  /** Unique per method when set: a passkey's credential id, a token's serial. */
  externalId: string | null;
  /** The last time step or counter claimed (see `claimStep`). */
  counter: number | null;
  /** Bumped by every `updateData`: the compare-and-set token. */
  version: number;
  isDefault: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface NewCredential {
  accountId: string;
  method: string;
  label?: string | null;
  secret?: string | null;
  data?: Record<string, unknown>;
  externalId?: string | null;
  /** A time step or counter already spent while proving the method during setup. */
  usedStep?: number;
  /** Whether it may become the account's default (recovery codes never do). Default true. */
  defaultable?: boolean;
}

export interface CredentialStore {
  /** The account's first defaultable credential becomes its default. Changes the account's
   * methods version. Throws StoreConflictError when the method's external id is taken. */
  add(input: NewCredential): Promise<Credential>;
  get(id: string): Promise<Credential | undefined>;
  list(accountId: string): Promise<Credential[]>;
  findByExternalId(method: string, externalId: string): Promise<Credential | undefined>;
  /** Every account's credentials of one method, by external id (an administrator's token list). */
  listByMethod(method: string): Promise<Credential[]>;
  /** Removes it (another becomes default if it was); false when not found. Changes the methods version. */
  remove(accountId: string, id: string): Promise<boolean>;
  /** Removes every credential of the account; returns how many. Changes the methods version. */
  removeAll(accountId: string): Promise<number>;
  setDefault(accountId: string, id: string): Promise<boolean>;
  /** Changes the person's name for it (null: none); false when it is not the account's. */
  rename(accountId: string, id: string, label: string | null): Promise<boolean>;
  /** ATOMIC. Claims a one-time time step or counter: true only for the first caller with a step
   * later than any claimed before. */
  claimStep(id: string, step: number, at: number): Promise<boolean>;
  /** ATOMIC compare-and-set: replaces `data` only while the credential is still at `version`
   * (and bumps it); false when another change came first. */
  updateData(id: string, version: number, data: Record<string, unknown>, at: number): Promise<boolean>;
  /** Changes whenever the account's methods change; remembered devices hold the version they saw. */
  methodsVersion(accountId: string): Promise<number>;
}

/** A hardware token imported by an administrator and not (yet) a person's credential: unassigned
 * stock, or assigned to someone who has not activated it. Activation moves it into the
 * credentials (`take` then `CredentialStore.add`), so a seed lives in one place at a time. */
export interface InventoryToken {
  /** The factor's id (`oath`). */
  method: string;
  serial: string;
  /** The seed; stored encrypted. */
  secret: string;
  /** Model, manufacturer, digits, period, algorithm, kind: what becomes the credential's data. */
  data: Record<string, unknown>;
  /** The last counter used (an event-based token's), carried over to the credential. */
  counter: number | null;
  /** Who may activate it; null while it is unassigned stock. */
  accountId: string | null;
  importedAt: number;
}

export type NewInventoryToken = Omit<InventoryToken, 'importedAt'>;

export interface TokenInventoryStore {
  /** ATOMIC, all or nothing: adds every token or none. Throws StoreConflictError naming a serial
   * already in the inventory or among the method's credentials. */
  add(tokens: NewInventoryToken[]): Promise<void>;
  get(method: string, serial: string): Promise<InventoryToken | undefined>;
  /** Every token of the method, by serial. */
  list(method: string): Promise<InventoryToken[]>;
  /** Tokens of the method assigned to the account and not yet activated. */
  assignedTo(method: string, accountId: string): Promise<InventoryToken[]>;
  /** Assigns the token to an account, or back to stock with null; false when there is no such token. */
  assign(method: string, serial: string, accountId: string | null): Promise<boolean>;
  /** ATOMIC. Removes and returns the token while it is still assigned to the account: of racing
   * activations, one gets it. */
  take(method: string, serial: string, accountId: string): Promise<InventoryToken | undefined>;
}

/** A generated password for an app that can only send a username and a password. */
export interface AppPassword {
  id: string;
  accountId: string;
  name: string;
  /** The password's first letters, in the clear: a sign-in checks the one hash they point to,
   * not all 40. */
  prefix: string;
  /** argon2id; the password itself is shown once and never kept. */
  hash: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface AppPasswordStore {
  /** ATOMIC: adds it unless the account already has `max`; undefined then. */
  add(input: { accountId: string; name: string; prefix: string; hash: string }, max: number): Promise<AppPassword | undefined>;
  list(accountId: string): Promise<AppPassword[]>;
  /** False when it is not the account's (or already gone). */
  remove(accountId: string, id: string): Promise<boolean>;
  touch(id: string, at: number): Promise<void>;
}

/** Per-interaction sign-in state (password done, chosen method, a challenge under way, a setup
 * in progress), stored encrypted and bound to its key and account. */
export interface ChallengeStore {
  put(uid: string, accountId: string, data: Record<string, unknown>, ttlSeconds: number): Promise<void>;
  get(uid: string): Promise<{ accountId: string; data: Record<string, unknown> } | undefined>;
  /** ATOMIC. Removes and returns it in one step: of racing callers, one gets it. */
  take(uid: string): Promise<{ accountId: string; data: Record<string, unknown> } | undefined>;
  delete(uid: string): Promise<void>;
}

export interface RegulationState {
  /** Failures since the last success. */
  failures: number;
  /** Locks imposed since the last success; each doubles the next. */
  locks: number;
  lockedUntil: number | null;
  /** Locked until an administrator unlocks. */
  permanent: boolean;
}

export const freshRegulationState: RegulationState = { failures: 0, locks: 0, lockedUntil: null, permanent: false };

export interface AttemptStore {
  get(subject: string): Promise<RegulationState>;
  /** ATOMIC. Replaces the subject's state with `change(current)`: `change` is pure, and an
   * adapter may call it again when a racing update came first. */
  update(subject: string, change: (state: RegulationState) => RegulationState): Promise<RegulationState>;
  reset(subject: string): Promise<void>;
  recordAttempt(attempt: { subject: string; network: string; ok: boolean; at: number }): Promise<void>;
  /** Failed attempts from a network (an IPv4 address or an IPv6 /64) since a time. */
  failuresFromNetwork(network: string, since: number): Promise<number>;
  /** When the subject's attempts since a time were made, oldest first (texts sent, calls placed). */
  attemptTimes(subject: string, since: number): Promise<number[]>;
  /** How a started attempt ended, written together (one transaction where the adapter has
   * them): the attempt recorded, the subject's state cleared after a success, and the step's
   * audit event appended. */
  settle(outcome: AttemptOutcome): Promise<void>;
}

/** What `AttemptStore.settle` writes. */
export interface AttemptOutcome {
  subject: string;
  network: string;
  ok: boolean;
  at: number;
  audit?: AuditEvent;
}

/** A browser where the person chose "don't ask again": a hashed token in a cookie. */
export interface RememberedDevice {
  id: string;
  accountId: string;
  tokenHash: string;
  /** The method whose success earned the device its skip: it counts only where that method would. */
  method: string;
  label: string;
  createdAt: number;
  expiresAt: number;
  methodsVersion: number;
  lastUsedAt: number | null;
  /** The address the device was last seen from (remembered, or last used): with the time, what
   * tells two "Chrome on Linux" rows apart. Null for devices remembered before it was kept. */
  ip: string | null;
}

export interface DeviceStore {
  add(device: Omit<RememberedDevice, 'id' | 'lastUsedAt' | 'ip'> & { ip?: string | null }): Promise<RememberedDevice>;
  findByTokenHash(tokenHash: string): Promise<RememberedDevice | undefined>;
  list(accountId: string): Promise<RememberedDevice[]>;
  /** Records a use: its time and, when given, the address it came from. */
  touch(id: string, at: number, ip?: string): Promise<void>;
  remove(accountId: string, id: string): Promise<boolean>;
  removeAll(accountId: string): Promise<number>;
}

/** "Skip for now" during enrollment holds for the one sign-in session it was chosen in. */
export interface EnrollmentSkipStore {
  record(accountId: string, loginTs: number): Promise<void>;
  matches(accountId: string, loginTs: number): Promise<boolean>;
}

export interface AuditEvent {
  at: number;
  /** What happened: `password`, `mfa.decision`, `mfa.verify`, `mfa.enroll`, `method.remove`, ... */
  type: string;
  result: 'ok' | 'fail' | 'info';
  accountId?: string | null;
  username?: string | null;
  clientId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  rule?: string | null;
  method?: string | null;
  /** The precise reason, for administrators; never shown to the person. */
  reason?: string | null;
  /** Who made a change on someone's behalf: `cli:<os user>`, `admin:<username>`. */
  actor?: string | null;
}

/** What the sign-in log filters on; every field given must match. */
export interface AuditQuery {
  /** A username (compared without case) or an account id. */
  user?: string;
  clientId?: string;
  method?: string;
  rule?: string;
  /** Only these event types. */
  types?: string[];
  /** Event times (ms): from inclusive, to exclusive. */
  from?: number;
  to?: number;
  limit: number;
}

export interface AuditStore {
  append(event: AuditEvent): Promise<void>;
  /** The newest events, oldest first. */
  tail(options: { accountId?: string; limit: number }): Promise<AuditEvent[]>;
  /** The newest events that match, newest first (the admin console's sign-in log). */
  search(query: AuditQuery): Promise<AuditEvent[]>;
}

export type CallStatus = 'ringing' | 'answered' | 'no-answer' | 'failed';
export type CallMode = 'confirm' | 'pin';

/** A call placed to a phone, and what became of it. Callbacks from the telephony service may
 * reach any node, so the outcome lives here, not in one process's memory. */
export interface PhoneCall {
  id: string;
  /** Which telephony adapter placed it (`development`, `twilio`). */
  adapter: string;
  /** The adapter's own id for the call (a Twilio call SID); unique per adapter. */
  externalId: string | null;
  /** E.164; stored encrypted. */
  to: string;
  /** Digits dialled once the call connects (an office extension); stored encrypted. */
  extension: string | null;
  mode: CallMode;
  /** What the call says. */
  script: string;
  status: CallStatus;
  /** The keys pressed, `#` included (`#`, `0#`, `1234#`); stored encrypted (it may be a PIN). */
  keys: string | null;
  /** Why it failed, for administrators. */
  detail: string | null;
  createdAt: number;
  settledAt: number | null;
}

/** A text message kept in the development phone's outbox. */
export interface PhoneText {
  id: string;
  adapter: string;
  /** E.164; stored encrypted. */
  to: string;
  /** Stored encrypted: it carries a code. */
  body: string;
  createdAt: number;
}

export interface PhoneStore {
  /** `at` comes from the caller's clock, the one that later decides whether the call rang out. */
  addCall(call: { adapter: string; to: string; extension?: string | null; mode: CallMode; script: string; at: number }): Promise<PhoneCall>;
  /** Records the adapter's id once the service accepted the call. */
  setExternalId(id: string, externalId: string): Promise<void>;
  getCall(id: string): Promise<PhoneCall | undefined>;
  findByExternalId(adapter: string, externalId: string): Promise<PhoneCall | undefined>;
  /** ATOMIC. Moves a ringing call to its outcome: true only for the first caller (a gather and a
   * status callback may race; the first one wins). */
  settleCall(id: string, outcome: { status: Exclude<CallStatus, 'ringing'>; keys?: string | null; detail?: string | null }, at: number): Promise<boolean>;
  /** The newest calls first. */
  listCalls(limit: number): Promise<PhoneCall[]>;
  addText(text: { adapter: string; to: string; body: string; at: number }): Promise<PhoneText>;
  /** The newest texts first. */
  listTexts(limit: number): Promise<PhoneText[]>;
}

/** Someone said a sign-in they were asked to approve was not theirs (0# on a call, the app's button). */
export interface FraudReport {
  id: string;
  at: number;
  accountId: string;
  username: string | null;
  clientId: string | null;
  /** The address the reported sign-in came from. */
  ip: string | null;
  userAgent: string | null;
  /** The method the report came through (`voice`, `push`, ...). */
  method: string;
}

/** An account whose second factor is blocked after a fraud report. */
export interface FraudBlock {
  accountId: string;
  since: number;
  /** Null: until an administrator unblocks. */
  until: number | null;
  reportId: string | null;
}

export interface FraudStore {
  addReport(report: Omit<FraudReport, 'id'>): Promise<FraudReport>;
  /** The newest reports first, for everyone or one account. */
  listReports(options: { accountId?: string; limit: number }): Promise<FraudReport[]>;
  /** Blocks the account's second factor, or extends its block: an open-ended block stays open-ended. */
  block(block: FraudBlock): Promise<void>;
  /** The account's block in force at a time, if any. */
  blockOf(accountId: string, at: number): Promise<FraudBlock | undefined>;
  /** Lifts the block; false when there was none. */
  unblock(accountId: string): Promise<boolean>;
}

/** A phone or browser activating the authenticator app for an account: the short code is
 * hashed, usable once, for a few minutes. Once used it holds the device's public key until the
 * person types the confirmation code the app then shows, and the device becomes a `push` credential. */
export interface PushActivation {
  id: string;
  accountId: string;
  username: string;
  createdAt: number;
  expiresAt: number;
  /** The device that used the code, once one has. */
  device: PushDeviceKey | null;
  activatedAt: number | null;
  /** The TOTP seed given to the app with the activation; stored encrypted. */
  totpSecret: string | null;
  /** Shown by the app once activated, typed on the setup page; stored encrypted. */
  confirmation: string;
}

/** A device's identity: its id, the account it holds, its P-256 public key (JWK) and name. */
export interface PushDeviceKey {
  deviceId: string;
  publicKey: Record<string, unknown>;
  name: string;
}

/** What the app shows about a sign-in it is asked to approve. */
export interface PushContext {
  clientName?: string | null;
  clientId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  location?: string | null;
}

/** `wrong_number`: approved with a number other than the one the sign-in page showed. */
export type PushStatus = 'pending' | 'approved' | 'denied' | 'wrong_number' | 'fraud';

/** A request sent to an account's devices: a sign-in to approve with its number. */
export interface PushChallenge {
  id: string;
  accountId: string;
  purpose: 'sign-in';
  /** The two-digit number the sign-in page shows; stored encrypted, never sent to the device. */
  number: string;
  context: PushContext;
  createdAt: number;
  expiresAt: number;
  status: PushStatus;
  answeredBy: string | null;
  answeredAt: number | null;
  /** When the sign-in used the answer up. */
  takenAt: number | null;
}

export interface PushStore {
  addActivation(input: { accountId: string; username: string; codeHash: string; totpSecret: string | null; confirmation: string; expiresAt: number }): Promise<PushActivation>;
  getActivation(id: string): Promise<PushActivation | undefined>;
  /** ATOMIC. Binds a device to the unexpired, unused activation with this code hash: of racing
   * devices, one gets it. */
  activate(codeHash: string, device: PushDeviceKey, at: number): Promise<PushActivation | undefined>;
  /** ATOMIC. Ends an activation once its setup is saved; true only for the first caller. */
  finishActivation(id: string): Promise<boolean>;
  addChallenge(input: Omit<PushChallenge, 'id' | 'status' | 'answeredBy' | 'answeredAt' | 'takenAt'>): Promise<PushChallenge>;
  getChallenge(id: string): Promise<PushChallenge | undefined>;
  /** The account's unanswered, unexpired requests, oldest first. */
  pending(accountId: string, at: number): Promise<PushChallenge[]>;
  /** ATOMIC. Records a device's answer while the request is pending and unexpired: one answer per request. */
  answer(id: string, answer: { status: Exclude<PushStatus, 'pending'>; deviceId: string }, at: number): Promise<boolean>;
  /** ATOMIC. Uses an answered request up: true only for the first caller. */
  take(id: string, at: number): Promise<boolean>;
  /** When the account's requests since a time that went unanswered or were denied were sent,
   * oldest first (the push-bombing limit). */
  unansweredOrDenied(accountId: string, since: number): Promise<number[]>;
  /** Keeps (or replaces) a device's Web Push subscription; stored encrypted. */
  saveSubscription(subscription: PushSubscription): Promise<void>;
  /** The Web Push subscriptions of the account's devices. */
  subscriptions(accountId: string): Promise<PushSubscription[]>;
  removeSubscription(deviceId: string): Promise<void>;
  /** Calls `onChange` whenever the account may have a new request, from any node sharing the
   * store: as it is written where the store can say so (MongoDB change streams on a replica set),
   * else every `pollMs`. The caller reads `pending` itself; `close` ends the watch. */
  watchRequests(accountId: string, onChange: () => void, options: { pollMs: number }): Promise<PushWatch>;
}

/** A running watch: how it learns of new requests (it may fall back to polling later), and its end. */
export interface PushWatch {
  readonly how: 'change stream' | 'polling';
  close(): void;
}

/** Where a push service wakes a device's installed app (the browser's PushSubscription). */
export interface PushSubscription {
  deviceId: string;
  accountId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** The part of the store the plugin uses: everything about second factors, nothing about the
 * host's accounts, clients or protocol state. */
export interface MfaStore {
  credentials: CredentialStore;
  challenges: ChallengeStore;
  attempts: AttemptStore;
  devices: DeviceStore;
  enrollmentSkips: EnrollmentSkipStore;
  audit: AuditStore;
  phone: PhoneStore;
  fraud: FraudStore;
  tokens: TokenInventoryStore;
  push: PushStore;
  /** Deletes expired records; safe to call at any time. */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

/** The ready provider's whole store: the plugin's part plus accounts, clients and oidc-provider's models. */
export interface Store extends MfaStore {
  accounts: AccountStore;
  clients: ClientStore;
  appPasswords: AppPasswordStore;
  oidc(model: string): OidcAdapter;
  /** Ends every sign-in of the account: deletes its oidc-provider Sessions, Grants,
   * AccessTokens, RefreshTokens and AuthorizationCodes, so no browser session, token or
   * refresh survives (an administrator's reset). Returns how many records went. */
  endAccountSessions(accountId: string, options?: EndSessionsOptions): Promise<number>;
  /** Re-encrypts every sealed value under the current encryption key, a batch per transaction;
   * values already current are left alone, so a stopped run resumes (`twofold keys rotate`). */
  resealSecrets(options?: { batch?: number }): Promise<ResealReport>;
}

/** What `resealSecrets` did, per encrypted column (`accounts.phone`, `credentials.secret`, ...). */
export interface ResealReport {
  columns: { name: string; resealed: number; current: number; unreadable: number }[];
}

export interface EndSessionsOptions {
  /** The uid of one Session to keep, with its Grants and what was issued under it: the browser
   * where the person changed their password stays signed in while every other sign-in ends. */
  keepSessionUid?: string;
}

export class StoreConflictError extends Error {
  constructor(what: string) {
    super(`${what} already exists`);
    this.name = 'StoreConflictError';
  }
}

/** Contexts that bind each encrypted column to its row (see crypto/secretBox.ts). */
export const sealContext = {
  accountPhone: (accountId: string) => `account.phone:${accountId}`,
  clientSecret: (clientId: string) => `client.secret:${clientId}`,
  inventorySecret: (method: string, serial: string) => `inventory.secret:${method}:${serial}`,
  credentialSecret: (credentialId: string, accountId: string) => `credential.secret:${credentialId}:${accountId}`,
  challenge: (uid: string, accountId: string) => `challenge:${uid}:${accountId}`,
  phoneCall: (id: string) => `phone.call:${id}`,
  phoneText: (id: string) => `phone.text:${id}`,
  pushActivation: (id: string, accountId: string) => `push.activation:${id}:${accountId}`,
  pushChallenge: (id: string, accountId: string) => `push.challenge:${id}:${accountId}`,
  pushSubscription: (deviceId: string, accountId: string) => `push.subscription:${deviceId}:${accountId}`,
};
