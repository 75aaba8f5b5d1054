// Calls placed and the development phone's outbox: numbers, keys pressed and texts sealed.
import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../../crypto/secretBox.js';
import { type PhoneCall, type PhoneStore, type PhoneText, sealContext, StoreConflictError } from '../types.js';
import type { Db } from './database.js';
import type { CallRow, TextRow } from '../rows.js';

// Each sealed column gets its own context under the row's, so one cannot stand in for another.
export const columnContext = (row: string, column: string) => `${row}:${column}`;
const context = columnContext;

export function sqlitePhone(db: Db, box: SecretBox): PhoneStore {
  const toCall = (row: CallRow): PhoneCall => {
    const open = (sealed: string | null, column: string) => (sealed === null ? null : box.open(sealed, context(sealContext.phoneCall(row.id), column)));
    return {
      id: row.id,
      adapter: row.adapter,
      externalId: row.external_id,
      to: open(row.to_sealed, 'to')!,
      extension: open(row.extension_sealed, 'extension'),
      mode: row.mode,
      script: row.script,
      status: row.status,
      keys: open(row.keys_sealed, 'keys'),
      detail: row.detail,
      createdAt: row.created_at,
      settledAt: row.settled_at,
    };
  };
  const toText = (row: TextRow): PhoneText => ({
    id: row.id,
    adapter: row.adapter,
    to: box.open(row.to_sealed, context(sealContext.phoneText(row.id), 'to')),
    body: box.open(row.body_sealed, context(sealContext.phoneText(row.id), 'body')),
    createdAt: row.created_at,
  });
  const byId = db.prepare('SELECT * FROM phone_calls WHERE id = ?');
  const byExternalId = db.prepare('SELECT * FROM phone_calls WHERE adapter = ? AND external_id = ?');
  const insertCall = db.prepare(`INSERT INTO phone_calls (id, adapter, to_sealed, extension_sealed, mode, script, status, created_at)
    VALUES (@id, @adapter, @to, @extension, @mode, @script, 'ringing', @createdAt)`);
  const setExternal = db.prepare('UPDATE phone_calls SET external_id = ? WHERE id = ?');
  // One conditional statement: of racing callbacks, only the first finds the call still ringing.
  const settle = db.prepare(`UPDATE phone_calls SET status = @status, keys_sealed = @keys, detail = @detail, settled_at = @at
    WHERE id = @id AND status = 'ringing'`);
  const listCalls = db.prepare('SELECT * FROM phone_calls ORDER BY created_at DESC, rowid DESC LIMIT ?');
  const insertText = db.prepare('INSERT INTO phone_texts (id, adapter, to_sealed, body_sealed, created_at) VALUES (?, ?, ?, ?, ?)');
  const listTexts = db.prepare('SELECT * FROM phone_texts ORDER BY created_at DESC, rowid DESC LIMIT ?');

  return {
    async addCall({ adapter, to, extension = null, mode, script, at }) {
      const id = randomUUID();
      const seal = (value: string, column: string) => box.seal(value, context(sealContext.phoneCall(id), column));
      insertCall.run({ id, adapter, to: seal(to, 'to'), extension: extension ? seal(extension, 'extension') : null, mode, script, createdAt: at });
      return toCall(byId.get(id) as CallRow);
    },
    async setExternalId(id, externalId) {
      try {
        setExternal.run(externalId, id);
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new StoreConflictError(`call '${externalId}'`);
        throw error;
      }
    },
    async getCall(id) {
      const row = byId.get(id) as CallRow | undefined;
      return row && toCall(row);
    },
    async findByExternalId(adapter, externalId) {
      const row = byExternalId.get(adapter, externalId) as CallRow | undefined;
      return row && toCall(row);
    },
    async settleCall(id, { status, keys = null, detail = null }, at) {
      const sealedKeys = keys === null ? null : box.seal(keys, context(sealContext.phoneCall(id), 'keys'));
      return settle.run({ id, status, keys: sealedKeys, detail, at }).changes === 1;
    },
    async listCalls(limit) {
      return (listCalls.all(limit) as CallRow[]).map(toCall);
    },
    async addText({ adapter, to, body, at: createdAt }) {
      const id = randomUUID();
      const ctx = sealContext.phoneText(id);
      insertText.run(id, adapter, box.seal(to, context(ctx, 'to')), box.seal(body, context(ctx, 'body')), createdAt);
      return { id, adapter, to, body, createdAt };
    },
    async listTexts(limit) {
      return (listTexts.all(limit) as TextRow[]).map(toText);
    },
  };
}
