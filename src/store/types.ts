// The narrow interfaces the rest of Twofold reaches the store through. Every adapter
// (SQLite, MongoDB) implements all of them and passes test/store/contract.ts.

export interface Account {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  phone: string | null;
  groups: string[];
  disabled: boolean;
  createdAt: number;
}

export interface NewAccount {
  username: string;
  passwordHash: string;
  displayName?: string | null;
  email?: string | null;
  phone?: string | null;
  groups?: string[];
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
  list(): Promise<Account[]>;
}

export interface ClientRecord {
  clientId: string;
  name: string | null;
  public: boolean;
  firstParty: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** The plain secret of a confidential client; stored encrypted. */
  secret: string | null;
  createdAt: number;
}

export interface ClientStore {
  /** Throws StoreConflictError when the client id is taken. */
  create(client: ClientRecord): Promise<void>;
  find(clientId: string): Promise<ClientRecord | undefined>;
  list(): Promise<ClientRecord[]>;
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

export interface Store {
  accounts: AccountStore;
  clients: ClientStore;
  oidc(model: string): OidcAdapter;
  /** Deletes expired records; safe to call at any time. */
  sweep(): Promise<void>;
  close(): Promise<void>;
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
};
