// An in-memory stand-in for the MongoDB driver's Db and Collection, NOT MongoDB: no MongoDB
// server can run where this project is built and tested, so this lets the real mongoose and the
// real adapter (casting, sanitizeFilter, options, result shapes, the queries each repository
// sends) run in every `npm test`. It implements only what the adapter uses, after MongoDB's
// documented semantics (equality with null matching a missing field, unique and partial
// indexes, upserts seeded from the filter's equalities, update pipelines evaluated against the
// document as it was). MongoDB's own behaviour is checked only by the MONGODB_URI run.
import mongoose from 'mongoose';
import { randomBytes } from 'node:crypto';
import { createSecretBox, type SecretBox } from '../../src/crypto/secretBox.js';
import { type MongoStore, mongoStoreOn } from '../../src/store/mongo/index.js';
import { migrateMongo } from '../../src/store/mongo/migrate.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- documents are whatever mongoose sends */
type Doc = Record<string, any>;
// What BSON serialisation does to a value: plain arrays and objects, Dates kept.
function clone(v: any): any {
  if (v instanceof Date) return new Date(v.getTime());
  if (v instanceof RegExp) return v;
  if (v && typeof v === 'object' && v._bsontype === 'ObjectId') return v;
  if (Array.isArray(v)) return Array.from(v, clone);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, clone(x)]));
  return v;
}
let seq = 0;
const newId = () => (++seq).toString(16).padStart(24, '0');
const isOp = (v: any) => v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp) && Object.keys(v).some((k) => k.startsWith('$'));
const norm = (v: any) => (v instanceof Date ? v.getTime() : v && typeof v === 'object' && v._bsontype === 'ObjectId' ? v.toHexString() : v);
function eq(a: any, b: any): boolean {
  a = norm(a); b = norm(b);
  if (a === b) return true;
  if (a == null || b == null) return a == null && b == null;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
function cmp(a: any, b: any): number {
  a = norm(a); b = norm(b);
  if (a == null && b == null) return 0;
  if (a == null) return -1;
  if (b == null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
function typeOf(v: any) {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'double';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Date) return 'date';
  if (Array.isArray(v)) return 'array';
  return 'object';
}
export function matches(doc: Doc, filter: Doc): boolean {
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$or') { if (!cond.some((f: Doc) => matches(doc, f))) return false; continue; }
    if (key === '$and') { if (!cond.every((f: Doc) => matches(doc, f))) return false; continue; }
    if (key === '$nor') { if (cond.some((f: Doc) => matches(doc, f))) return false; continue; }
    if (key.startsWith('$')) throw new Error(`stand-in: unsupported top-level ${key}`);
    const v = doc[key];
    if (cond instanceof RegExp) { if (typeof v !== 'string' || !cond.test(v)) return false; continue; }
    if (isOp(cond)) {
      for (const [op, c] of Object.entries(cond)) {
        const ok =
          op === '$eq' ? (c === null ? v == null : Array.isArray(v) && !Array.isArray(c) ? v.some((x) => eq(x, c)) : eq(v, c))
          : op === '$ne' ? !(c === null ? v == null : eq(v, c))
          : op === '$gt' ? v != null && cmp(v, c) > 0
          : op === '$gte' ? v != null && cmp(v, c) >= 0
          : op === '$lt' ? v != null && cmp(v, c) < 0
          : op === '$lte' ? v != null && cmp(v, c) <= 0
          : op === '$in' ? (c as any[]).some((x) => eq(v, x))
          : op === '$type' ? typeOf(v) === c
          : op === '$exists' ? (v !== undefined) === c
          : (() => { throw new Error(`stand-in: unsupported ${op}`); })();
        if (!ok) return false;
      }
      continue;
    }
    if (cond === null) { if (v != null) return false; continue; }
    if (Array.isArray(v) && !Array.isArray(cond)) { if (!v.some((x) => eq(x, cond))) return false; continue; }
    if (!eq(v, cond)) return false;
  }
  return true;
}
function evaluate(expr: any, doc: Doc): any {
  if (typeof expr === 'string' && expr.startsWith('$')) return doc[expr.slice(1)];
  if (Array.isArray(expr)) return expr.map((e) => evaluate(e, doc));
  if (expr && typeof expr === 'object' && !(expr instanceof Date)) {
    const [op] = Object.keys(expr);
    const arg = expr[op!];
    const args = () => (arg as any[]).map((e) => evaluate(e, doc));
    switch (op) {
      case '$literal': return arg;
      case '$cond': { const [c, a, b] = arg; return evaluate(c, doc) ? evaluate(a, doc) : evaluate(b, doc); }
      case '$ifNull': { const [a, b] = args(); return a ?? b; }
      case '$type': return typeOf(evaluate(arg, doc));
      case '$eq': { const [a, b] = args(); return a === undefined || b === undefined ? a === b : eq(a, b); }
      case '$ne': { const [a, b] = args(); return !(a === undefined || b === undefined ? a === b : eq(a, b)); }
      case '$lte': { const [a, b] = args(); return cmp(a, b) <= 0; }
      case '$and': return args().every(Boolean);
      case '$or': return args().some(Boolean);
      case '$max': { const values = args().filter((x) => x != null); return values.length ? values.reduce((m, x) => (cmp(x, m) > 0 ? x : m)) : null; }
      case '$add': return args().reduce((s, x) => s + x, 0);
      default: throw new Error(`stand-in: unsupported expression ${op}`);
    }
  }
  return expr;
}
function applyUpdate(doc: Doc, update: any, inserting: boolean): Doc {
  const next = clone(doc);
  if (Array.isArray(update)) {
    for (const stage of update) {
      const [op] = Object.keys(stage);
      if (op !== '$set' && op !== '$addFields') throw new Error(`stand-in: unsupported stage ${op}`);
      const before = clone(next);
      for (const [field, expr] of Object.entries(stage[op!])) next[field] = evaluate(expr, before);
    }
    return next;
  }
  for (const [op, fields] of Object.entries(update as Doc)) {
    for (const [field, value] of Object.entries(fields as Doc)) {
      if (op === '$set') next[field] = clone(value);
      else if (op === '$setOnInsert') { if (inserting) next[field] = clone(value); }
      else if (op === '$inc') next[field] = (next[field] ?? 0) + value;
      else if (op === '$addToSet') { next[field] ??= []; if (!next[field].some((x: any) => eq(x, value))) next[field].push(value); }
      else if (op === '$unset') delete next[field];
      else throw new Error(`stand-in: unsupported update ${op}`);
    }
  }
  return next;
}
function project(doc: Doc, projection?: Doc) {
  const copy = clone(doc);
  if (!projection || !Object.keys(projection).length) return copy;
  const out: Doc = { _id: copy._id };
  for (const [k, v] of Object.entries(projection)) if (v) out[k] = copy[k];
  return out;
}
function sortDocs(docs: Doc[], sort: any) {
  if (!sort) return docs;
  const entries: [string, number][] = sort instanceof Map ? [...sort.entries()] : Array.isArray(sort) ? sort : Object.entries(sort);
  return [...docs].sort((a, b) => {
    for (const [k, dir] of entries) { const c = cmp(a[k], b[k]); if (c) return c * (Number(dir) < 0 ? -1 : 1); }
    return 0;
  });
}
const dup = (what: string) => Object.assign(new Error(`E11000 duplicate key error ${what}`), { code: 11000, name: 'MongoServerError' });

class StandInCursor {
  private i = 0;
  constructor(private docs: Doc[]) {}
  async next() { return this.i < this.docs.length ? this.docs[this.i++] : null; }
  async toArray() { const rest = this.docs.slice(this.i); this.i = this.docs.length; return rest; }
  async close() {}
  async hasNext() { return this.i < this.docs.length; }
  rewind() { this.i = 0; }
  async *[Symbol.asyncIterator]() { let d; while ((d = await this.next())) yield d; }
  on() { return this; } once() { return this; } removeListener() { return this; } off() { return this; } emit() { return true; }
  sort() { return this; } limit() { return this; } project() { return this; } batchSize() { return this; }
  get closed() { return this.i >= this.docs.length; }
  get killed() { return false; }
  get id() { return 0n; }
}

export class StandInCollection {
  docs: Doc[] = [];
  indexList: { key: Doc; name: string; unique?: boolean; partialFilterExpression?: Doc; expireAfterSeconds?: number }[] = [{ key: { _id: 1 }, name: '_id_', unique: true }];
  constructor(public collectionName: string) {}
  get namespace() { return `stand-in.${this.collectionName}`; }
  private checkUnique(candidate: Doc, except?: Doc) {
    for (const index of this.indexList.filter((i) => i.unique)) {
      if (index.partialFilterExpression && !matches(candidate, index.partialFilterExpression)) continue;
      const keys = Object.keys(index.key);
      const clash = this.docs.find((d) => d !== except && (!index.partialFilterExpression || matches(d, index.partialFilterExpression)) && keys.every((k) => eq(d[k] ?? null, candidate[k] ?? null)));
      if (clash) throw dup(`collection: ${this.collectionName} index: ${index.name}`);
    }
  }
  private find_(filter: Doc = {}) { return this.docs.filter((d) => matches(d, filter)); }
  async insertOne(doc: Doc) {
    const stored = clone(doc); stored._id ??= newId();
    this.checkUnique(stored); this.docs.push(stored); doc._id ??= stored._id;
    return { acknowledged: true, insertedId: stored._id };
  }
  async insertMany(docs: Doc[]) {
    const ids: Record<number, any> = {};
    for (const [i, d] of docs.entries()) ids[i] = (await this.insertOne(d)).insertedId;
    return { acknowledged: true, insertedCount: docs.length, insertedIds: ids };
  }
  find(filter: Doc = {}, options: Doc = {}) {
    let docs = sortDocs(this.find_(filter), options.sort);
    if (options.skip) docs = docs.slice(options.skip);
    if (options.limit) docs = docs.slice(0, options.limit);
    return new StandInCursor(docs.map((d) => project(d, options.projection)));
  }
  async findOne(filter: Doc = {}, options: Doc = {}) {
    const [doc] = sortDocs(this.find_(filter), options.sort);
    return doc ? project(doc, options.projection) : null;
  }
  async updateOne(filter: Doc, update: any, options: Doc = {}) {
    const [doc] = this.find_(filter);
    if (doc) {
      const next = applyUpdate(doc, update, false);
      this.checkUnique(next, doc);
      const modified = JSON.stringify(next) !== JSON.stringify(doc) ? 1 : 0;
      Object.keys(doc).forEach((k) => delete doc[k]); Object.assign(doc, next);
      return { acknowledged: true, matchedCount: 1, modifiedCount: modified, upsertedCount: 0, upsertedId: null };
    }
    if (!options.upsert) return { acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 0, upsertedId: null };
    const seed: Doc = {};
    for (const [k, v] of Object.entries(filter)) if (!k.startsWith('$') && !isOp(v) && !(v instanceof RegExp)) seed[k] = v;
    if (filter._id && isOp(filter._id) && '$eq' in filter._id) seed._id = filter._id.$eq;
    const created = applyUpdate(seed, update, true);
    created._id ??= newId();
    this.checkUnique(created); this.docs.push(created);
    return { acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: created._id };
  }
  async updateMany(filter: Doc, update: any) {
    let n = 0;
    for (const doc of this.find_(filter)) { const next = applyUpdate(doc, update, false); Object.keys(doc).forEach((k) => delete doc[k]); Object.assign(doc, next); n++; }
    return { acknowledged: true, matchedCount: n, modifiedCount: n, upsertedCount: 0, upsertedId: null };
  }
  async deleteOne(filter: Doc) {
    const [doc] = this.find_(filter);
    if (doc) this.docs.splice(this.docs.indexOf(doc), 1);
    return { acknowledged: true, deletedCount: doc ? 1 : 0 };
  }
  async deleteMany(filter: Doc = {}) {
    const gone = this.find_(filter);
    this.docs = this.docs.filter((d) => !gone.includes(d));
    return { acknowledged: true, deletedCount: gone.length };
  }
  async findOneAndUpdate(filter: Doc, update: any, options: Doc = {}) {
    const [doc] = sortDocs(this.find_(filter), options.sort);
    if (!doc) return options.includeResultMetadata ? { value: null, ok: 1 } : null;
    const before = clone(doc);
    const next = applyUpdate(doc, update, false);
    this.checkUnique(next, doc);
    Object.keys(doc).forEach((k) => delete doc[k]); Object.assign(doc, next);
    const value = options.returnDocument === 'after' ? clone(doc) : before;
    return options.includeResultMetadata ? { value, ok: 1 } : value;
  }
  async findOneAndDelete(filter: Doc, options: Doc = {}) {
    const [doc] = sortDocs(this.find_(filter), options.sort);
    if (!doc) return null;
    this.docs.splice(this.docs.indexOf(doc), 1);
    return clone(doc);
  }
  async countDocuments(filter: Doc = {}) { return this.find_(filter).length; }
  async estimatedDocumentCount() { return this.docs.length; }
  async createIndex(key: Doc, options: Doc = {}) {
    const name = options.name ?? Object.entries(key).map(([k, v]) => `${k}_${v}`).join('_');
    if (!this.indexList.some((i) => i.name === name)) this.indexList.push({ key, name, ...options });
    return name;
  }
  async indexes() { return clone(this.indexList.map((i) => ({ v: 2, ...i }))); }
}

export class StandInDb {
  collections_ = new Map<string, StandInCollection>();
  constructor(public databaseName: string) {}
  collection(name: string) { if (!this.collections_.has(name)) this.collections_.set(name, new StandInCollection(name)); return this.collections_.get(name)!; }
  async createCollection(name: string) { return this.collection(name); }
  listCollections() { const all = [...this.collections_.keys()].map((name) => ({ name })); return { toArray: async () => all }; }
  async dropDatabase() { this.collections_.clear(); return true; }
  async command() { return { ok: 1 }; }
}

/** A mongoose connection over the stand-in, configured as openMongoConnection configures a real one. */
export function standInConnection() {
  const conn = mongoose.createConnection() as mongoose.Connection & { config: Record<string, unknown>; onOpen(): void };
  Object.assign(conn.config, { sanitizeFilter: true, autoIndex: false, autoCreate: false, bufferCommands: false });
  const db = new StandInDb(`stand_in_${randomBytes(4).toString('hex')}`);
  Object.assign(conn, { db, client: { close: async () => {} }, name: db.databaseName });
  conn.onOpen();
  return { conn, db };
}

/** A migrated store on a fresh stand-in database. */
export async function openStandInMongoStore(now: () => number = Date.now, box: SecretBox = createSecretBox(randomBytes(32))): Promise<MongoStore & { db: StandInDb }> {
  const { conn, db } = standInConnection();
  await migrateMongo(conn, { ttl: false });
  return { ...mongoStoreOn(conn, box, now), db };
}

/** Whether any stored document contains the text (to prove encryption). */
export async function standInContains(db: StandInDb, text: string) {
  for (const collection of db.collections_.values()) if (collection.docs.some((d) => JSON.stringify(d).includes(text))) return true;
  return false;
}
