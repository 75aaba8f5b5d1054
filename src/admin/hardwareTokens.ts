// Hardware tokens (OATH) for administrators, shared by `twofold oath` and the console: import a
// vendor's CSV or PSKC file, list stock and activated tokens, assign one to a person, unassign
// one (an activated token leaves the account and goes back to stock with its counter).
import { parseTokenCsv } from '../factors/oath/import/csv.js';
import { importTokens } from '../factors/oath/import/importTokens.js';
import { parsePskc } from '../factors/oath/import/pskc.js';
import { normalizeSerial, oathMethod, tokensHeld, tokensPerPerson } from '../factors/oath/index.js';
import type { SeedFormat } from '../factors/oath/seed.js';
import type { Account } from '../store/types.js';
import { InvalidInputError } from '../validation.js';
import type { Actor, AdminDeps } from './adminDeps.js';

export interface TokenRow {
  serial: string;
  type: string;
  digits: number;
  manufacturer: string;
  model: string;
  /** `stock`, `assigned` (not yet activated) or `active`. */
  state: 'stock' | 'assigned' | 'active';
  accountId: string | null;
  username: string | null;
  lastUsedAt: number | null;
}

export interface ImportOptions {
  format: 'csv' | 'pskc';
  /** CSV only: what the seeds are written in, and the kind of rows that do not say. */
  secretFormat?: SeedFormat;
  type?: 'totp' | 'hotp';
  /** PSKC only: the pre-shared key (hex) the file's seeds are encrypted with. */
  preSharedKey?: string;
}

export function adminHardwareTokens({ store, audit }: Pick<AdminDeps, 'store' | 'audit'>) {
  const record = (actor: Actor, type: string, accountId: string, username: string | null, reason: string) =>
    audit.record({ type, result: 'ok', method: oathMethod, accountId, username, actor, reason });
  return {
    /** Parses the file's text and imports every token in it, or none when anything is wrong. */
    async import(actor: Actor, fileName: string, text: string, options: ImportOptions) {
      const parsed = options.format === 'csv'
        ? parseTokenCsv(text, { secretFormat: options.secretFormat ?? 'auto', defaultKind: options.type })
        : parsePskc(text, { preSharedKey: options.preSharedKey });
      return importTokens({ accounts: store.accounts, credentials: store.credentials, tokens: store.tokens, audit }, fileName, parsed, actor);
    },

    async list(): Promise<TokenRow[]> {
      const [stock, active] = await Promise.all([store.tokens.list(oathMethod), store.credentials.listByMethod(oathMethod)]);
      const names = new Map<string, string>();
      for (const accountId of new Set([...stock.map((token) => token.accountId), ...active.map((credential) => credential.accountId)])) {
        if (accountId) names.set(accountId, (await store.accounts.findById(accountId))?.username ?? accountId);
      }
      const text = (value: unknown) => (typeof value === 'string' ? value : '');
      const kind = (data: Record<string, unknown>) => `${text(data.kind)}${data.kind === 'totp' ? `/${data.period}s` : ''}`;
      return [
        ...stock.map((token): TokenRow => ({
          serial: token.serial, type: kind(token.data), digits: Number(token.data.digits), manufacturer: text(token.data.manufacturer), model: text(token.data.model),
          state: token.accountId ? 'assigned' : 'stock', accountId: token.accountId, username: token.accountId ? names.get(token.accountId) ?? null : null, lastUsedAt: null,
        })),
        ...active.map((credential): TokenRow => ({
          serial: credential.externalId ?? '?', type: kind(credential.data), digits: Number(credential.data.digits), manufacturer: text(credential.data.manufacturer),
          model: text(credential.data.model), state: 'active', accountId: credential.accountId, username: names.get(credential.accountId) ?? null, lastUsedAt: credential.lastUsedAt,
        })),
      ].sort((a, b) => a.serial.localeCompare(b.serial));
    },

    /** 'already' when the token was assigned to them before. */
    async assign(actor: Actor, serialInput: string, account: Account): Promise<'assigned' | 'already'> {
      const serial = normalizeSerial(serialInput);
      const token = await store.tokens.get(oathMethod, serial);
      if (!token) {
        const active = await store.credentials.findByExternalId(oathMethod, serial);
        throw new InvalidInputError([active ? `token ${serial} is activated by someone: unassign it first` : `there is no token ${serial}`]);
      }
      if (token.accountId === account.id) return 'already';
      if ((await tokensHeld(store.credentials, store.tokens, account.id)) >= tokensPerPerson) {
        throw new InvalidInputError([`'${account.username}' already holds ${tokensPerPerson} tokens, the most one person may have`]);
      }
      await store.tokens.assign(oathMethod, serial, account.id);
      await record(actor, 'token.assign', account.id, account.username, `serial ${serial}${token.accountId ? ', taken from another person' : ''}`);
      return 'assigned';
    },

    /** Back to stock: 'stock' (it was only assigned), 'removed' (it was activated: it leaves the account), 'already' (it was in stock). */
    async unassign(actor: Actor, serialInput: string): Promise<{ outcome: 'stock' | 'removed' | 'already'; username?: string }> {
      const serial = normalizeSerial(serialInput);
      const token = await store.tokens.get(oathMethod, serial);
      if (token) {
        if (!token.accountId) return { outcome: 'already' };
        const account = await store.accounts.findById(token.accountId);
        await store.tokens.assign(oathMethod, serial, null);
        await record(actor, 'token.unassign', token.accountId, account?.username ?? null, `serial ${serial}, not yet activated`);
        return { outcome: 'stock', username: account?.username };
      }
      const active = await store.credentials.findByExternalId(oathMethod, serial);
      if (!active) throw new InvalidInputError([`there is no token ${serial}`]);
      // The token stops signing its person in and goes back to stock with its counter, ready for
      // someone else: its seed moves, it is never copied.
      const { resync: _resync, drift: _drift, ...data } = active.data;
      await store.credentials.remove(active.accountId, active.id);
      await store.tokens.add([{ method: oathMethod, serial, secret: active.secret!, data, counter: active.counter, accountId: null }]);
      const account = await store.accounts.findById(active.accountId);
      await record(actor, 'token.unassign', active.accountId, account?.username ?? null, `serial ${serial}, was activated: removed from the account`);
      return { outcome: 'removed', username: account?.username ?? active.accountId };
    },
  };
}
