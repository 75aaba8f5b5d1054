// The MongoDB adapter through the real mongoose on an in-memory stand-in for the driver (NOT
// MongoDB; see test/helpers/mongoStandIn.ts): every `npm test` runs the adapter's queries,
// casting, sanitised filters and result handling, where no MongoDB server can run. MongoDB's
// own behaviour is checked by test/store/mongo.test.ts when MONGODB_URI is set.
import { EventEmitter } from 'node:events';
import { expectNoOperatorInjection } from '../helpers/mongo.js';
import { openStandInMongoStore, standInContains } from '../helpers/mongoStandIn.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('mongodb adapter on the driver stand-in', async (now) => {
  const store = await openStandInMongoStore(now);
  return { store, rawContains: (text) => standInContains(store.db, text) };
});

test('the mongodb adapter never reads a request value as a query operator (mongoose sanitizeFilter)', () => expectNoOperatorInjection(() => openStandInMongoStore()));

// Push requests reach device streams on every node through the store's watchRequests: a change
// stream where the server keeps an oplog, polling where it does not. The stand-in stands in for
// the server's answers here; a real change stream runs only with MONGODB_URI (mongo.test.ts).
describe('push request watch on the mongodb adapter', () => {
  const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const addRequest = (store: Awaited<ReturnType<typeof openStandInMongoStore>>, accountId = 'a1') =>
    store.push.addChallenge({ accountId, purpose: 'sign-in', number: '42', context: {}, createdAt: Date.now(), expiresAt: Date.now() + 60_000 });

  /** A collection whose watch() hands back an event emitter, recording the pipeline asked for. */
  function fakeChangeStreams(store: Awaited<ReturnType<typeof openStandInMongoStore>>, hello: Record<string, unknown>) {
    const opened: { pipeline: unknown; stream: EventEmitter & { closed: boolean; close(): Promise<void> } }[] = [];
    store.db.command = async () => ({ ok: 1, ...hello });
    Object.assign(store.db.collection('push_challenges'), {
      watch(pipeline: unknown) {
        const stream = Object.assign(new EventEmitter(), { closed: false, async close() { stream.closed = true; } });
        opened.push({ pipeline, stream });
        return stream;
      },
    });
    return opened;
  }

  test('the driver stand-in has no change streams: the watch polls the store, and finds a new request', async () => {
    const store = await openStandInMongoStore();
    let wakes = 0;
    const watch = await store.push.watchRequests('a1', () => void wakes++, { pollMs: 20 });
    expect(watch.how).toBe('polling');
    await addRequest(store);
    await settle(100);
    expect(wakes).toBeGreaterThan(0);
    watch.close();
    await store.close();
  });

  test('a standalone server (no replica set) is never asked for a change stream: polling', async () => {
    const store = await openStandInMongoStore();
    const opened = fakeChangeStreams(store, { isWritablePrimary: true });
    const watch = await store.push.watchRequests('a1', () => undefined, { pollMs: 20 });
    expect([watch.how, opened.length]).toEqual(['polling', 0]);
    watch.close();
    await store.close();
  });

  test('on a replica set: one change stream for all watches, each woken for its own account\'s requests, closed with the last', async () => {
    const store = await openStandInMongoStore();
    const opened = fakeChangeStreams(store, { setName: 'rs0' });
    const wakes = { a1: 0, a2: 0 };
    const one = await store.push.watchRequests('a1', () => void wakes.a1++, { pollMs: 20 });
    const two = await store.push.watchRequests('a2', () => void wakes.a2++, { pollMs: 20 });
    expect([one.how, two.how]).toEqual(['change stream', 'change stream']);
    // One stream, asking the server for inserts only, and of each only whose it is.
    expect(opened.map((o) => o.pipeline)).toEqual([[{ $match: { operationType: 'insert' } }, { $project: { operationType: 1, 'fullDocument.account_id': 1 } }]]);
    // Each watch reads once as it starts; then no polling: nothing wakes it but the stream.
    await settle(100);
    expect(wakes).toEqual({ a1: 1, a2: 1 });
    const stream = opened[0]!.stream;
    stream.emit('change', { operationType: 'insert', fullDocument: { account_id: 'a1' } });
    expect(wakes).toEqual({ a1: 2, a2: 1 });
    stream.emit('resumeTokenChanged', { _data: 'token' });
    expect(wakes).toEqual({ a1: 3, a2: 2 });
    one.close();
    stream.emit('change', { operationType: 'insert', fullDocument: { account_id: 'a1' } });
    expect([wakes.a1, stream.closed]).toEqual([3, false]);
    two.close();
    expect(stream.closed).toBe(true);
    await store.close();
  });

  test('a change stream that ends without being asked to (its collection dropped) leaves its watches polling', async () => {
    const store = await openStandInMongoStore();
    const opened = fakeChangeStreams(store, { setName: 'rs0' });
    const watch = await store.push.watchRequests('a1', () => undefined, { pollMs: 20 });
    opened[0]!.stream.emit('close');
    expect(watch.how).toBe('polling');
    watch.close();
    await store.close();
  });

  test('a change stream that fails: its watches fall back to polling the store, saying so, and the next watch tries a new stream', async () => {
    const store = await openStandInMongoStore();
    const opened = fakeChangeStreams(store, { setName: 'rs0' });
    let wakes = 0;
    const watch = await store.push.watchRequests('a1', () => void wakes++, { pollMs: 20 });
    opened[0]!.stream.emit('error', Object.assign(new Error('The $changeStream stage is only supported on replica sets'), { code: 40573 }));
    expect(watch.how).toBe('polling');
    expect(opened[0]!.stream.closed).toBe(true);
    await settle(100);
    expect(wakes).toBeGreaterThan(2);
    const next = await store.push.watchRequests('a2', () => undefined, { pollMs: 20 });
    expect([next.how, opened.length]).toEqual(['change stream', 2]);
    watch.close();
    next.close();
    const stopped = wakes;
    await settle(100);
    expect(wakes).toBe(stopped);
    await store.close();
  });
});
