// The behaviour every store adapter must have. Run it from a *.test.ts per adapter.
import type { Store } from '../../src/store/types.js';
import { StoreConflictError } from '../../src/store/types.js';

export interface StoreUnderTest {
  store: Store;
  /** Whether the adapter's bytes at rest contain the text (to prove encryption). */
  rawContains(text: string): Promise<boolean>;
}

export function describeStoreContract(name: string, open: (now: () => number) => Promise<StoreUnderTest>) {
  describe(`${name} store contract`, () => {
    let clock = 1_700_000_000_000;
    let subject: StoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      clock = 1_700_000_000_000;
      subject = await open(() => clock);
      store = subject.store;
    });
    afterEach(() => store.close());

    describe('accounts', () => {
      const alice = { username: 'alice', passwordHash: 'hash-1', displayName: 'Alice Liddell', email: 'alice@example.com', phone: '+15555550100', groups: ['staff', 'admins'] };

      it('creates an account and finds it by id and by username in any case', async () => {
        const created = await store.accounts.create(alice);
        expect(created).toMatchObject({ username: 'alice', displayName: 'Alice Liddell', email: 'alice@example.com', phone: '+15555550100', groups: ['admins', 'staff'], disabled: false });
        expect(await store.accounts.findById(created.id)).toEqual(created);
        expect(await store.accounts.findByUsername('ALICE')).toEqual(created);
        expect(await store.accounts.findByUsername('bob')).toBeUndefined();
        expect(await store.accounts.findById('no-such-id')).toBeUndefined();
      });

      it('refuses a second account with the same username, whatever its case, and keeps the first', async () => {
        const first = await store.accounts.create(alice);
        await expect(store.accounts.create({ ...alice, username: 'Alice', groups: ['other'] })).rejects.toBeInstanceOf(StoreConflictError);
        expect(await store.accounts.list()).toEqual([first]);
      });

      it('keeps the phone number encrypted at rest', async () => {
        await store.accounts.create(alice);
        expect(await subject.rawContains('5555550100')).toBe(false);
        expect(await subject.rawContains('alice@example.com')).toBe(true);
      });

      it('stores and replaces the password hash', async () => {
        const { id } = await store.accounts.create(alice);
        expect(await store.accounts.passwordHash(id)).toBe('hash-1');
        await store.accounts.setPasswordHash(id, 'hash-2');
        expect(await store.accounts.passwordHash(id)).toBe('hash-2');
        expect(await store.accounts.passwordHash('no-such-id')).toBeUndefined();
      });

      it('disables and enables an account', async () => {
        const { id } = await store.accounts.create(alice);
        expect(await store.accounts.setDisabled(id, true)).toBe(true);
        expect((await store.accounts.findById(id))?.disabled).toBe(true);
        expect(await store.accounts.setDisabled(id, false)).toBe(true);
        expect((await store.accounts.findById(id))?.disabled).toBe(false);
        expect(await store.accounts.setDisabled('no-such-id', true)).toBe(false);
      });

      it('lists accounts by username', async () => {
        await store.accounts.create({ username: 'zed', passwordHash: 'h' });
        await store.accounts.create({ username: 'amy', passwordHash: 'h' });
        expect((await store.accounts.list()).map((a) => a.username)).toEqual(['amy', 'zed']);
      });
    });

    describe('clients', () => {
      const web = {
        clientId: 'web-app', name: 'Web App', public: false, firstParty: true,
        redirectUris: ['https://app.example.com/cb'], postLogoutRedirectUris: ['https://app.example.com/'],
        secret: 'a-very-secret-client-secret-value', createdAt: 1,
      };

      it('creates, finds, lists and removes a client', async () => {
        await store.clients.create(web);
        await store.clients.create({ ...web, clientId: 'spa', public: true, secret: null, firstParty: false });
        expect(await store.clients.find('web-app')).toEqual(web);
        expect((await store.clients.list()).map((c) => c.clientId)).toEqual(['spa', 'web-app']);
        expect(await store.clients.remove('web-app')).toBe(true);
        expect(await store.clients.remove('web-app')).toBe(false);
        expect(await store.clients.find('web-app')).toBeUndefined();
      });

      it('refuses a duplicate client id and keeps the first', async () => {
        await store.clients.create(web);
        await expect(store.clients.create({ ...web, name: 'Other' })).rejects.toBeInstanceOf(StoreConflictError);
        expect((await store.clients.find('web-app'))?.name).toBe('Web App');
      });

      it('keeps the client secret encrypted at rest', async () => {
        await store.clients.create(web);
        expect(await subject.rawContains('a-very-secret-client-secret-value')).toBe(false);
      });
    });

    describe('oidc-provider adapter', () => {
      it('upserts and finds a payload, and replaces it on a second upsert', async () => {
        const sessions = store.oidc('Session');
        await sessions.upsert('s1', { uid: 'u1', accountId: 'a' }, 60);
        expect(await sessions.find('s1')).toEqual({ uid: 'u1', accountId: 'a' });
        await sessions.upsert('s1', { uid: 'u1', accountId: 'b' }, 60);
        expect(await sessions.find('s1')).toEqual({ uid: 'u1', accountId: 'b' });
        expect(await sessions.find('missing')).toBeUndefined();
      });

      it('keeps models apart', async () => {
        await store.oidc('AccessToken').upsert('same', { kind: 'AccessToken' }, 60);
        await store.oidc('RefreshToken').upsert('same', { kind: 'RefreshToken' }, 60);
        expect(await store.oidc('AccessToken').find('same')).toEqual({ kind: 'AccessToken' });
        expect(await store.oidc('RefreshToken').find('same')).toEqual({ kind: 'RefreshToken' });
      });

      it('honours expiry, and sweep removes what expired', async () => {
        const codes = store.oidc('AuthorizationCode');
        await codes.upsert('c1', { grantId: 'g' }, 60);
        await codes.upsert('c2', { grantId: 'g' }, 600);
        clock += 60_000;
        expect(await codes.find('c1')).toBeUndefined();
        expect(await codes.find('c2')).toBeDefined();
        await store.sweep();
        clock -= 60_000;
        expect(await codes.find('c1')).toBeUndefined();
        expect(await codes.find('c2')).toBeDefined();
      });

      it('consumes a payload once and for good, even when it is saved again', async () => {
        const codes = store.oidc('AuthorizationCode');
        await codes.upsert('c1', { grantId: 'g' }, 60);
        clock += 5_000;
        await codes.consume('c1');
        const consumed = await codes.find('c1');
        expect(consumed?.consumed).toBe(Math.floor(clock / 1000));
        await codes.upsert('c1', { grantId: 'g' }, 60);
        expect((await codes.find('c1'))?.consumed).toBe(Math.floor(clock / 1000));
      });

      it('destroys a payload', async () => {
        const tokens = store.oidc('AccessToken');
        await tokens.upsert('t1', {}, 60);
        await tokens.destroy('t1');
        expect(await tokens.find('t1')).toBeUndefined();
      });

      it('revokes by grant id only that grant, only in that model', async () => {
        const tokens = store.oidc('AccessToken');
        const refresh = store.oidc('RefreshToken');
        await tokens.upsert('t1', { grantId: 'g1' }, 60);
        await tokens.upsert('t2', { grantId: 'g2' }, 60);
        await refresh.upsert('r1', { grantId: 'g1' }, 60);
        await tokens.revokeByGrantId('g1');
        expect(await tokens.find('t1')).toBeUndefined();
        expect(await tokens.find('t2')).toBeDefined();
        expect(await refresh.find('r1')).toBeDefined();
      });

      it('finds a session by uid and a device code by user code, within expiry', async () => {
        await store.oidc('Session').upsert('jti-1', { uid: 'uid-1' }, 60);
        await store.oidc('DeviceCode').upsert('dc-1', { userCode: 'ABCD-EFGH' }, 60);
        expect(await store.oidc('Session').findByUid('uid-1')).toEqual({ uid: 'uid-1' });
        expect(await store.oidc('DeviceCode').findByUserCode('ABCD-EFGH')).toEqual({ userCode: 'ABCD-EFGH' });
        expect(await store.oidc('Session').findByUid('nope')).toBeUndefined();
        clock += 61_000;
        expect(await store.oidc('Session').findByUid('uid-1')).toBeUndefined();
        expect(await store.oidc('DeviceCode').findByUserCode('ABCD-EFGH')).toBeUndefined();
      });

      it('keeps a payload without expiry', async () => {
        await store.oidc('Client').upsert('c', { client_id: 'c' }, 0);
        clock += 10 ** 9;
        expect(await store.oidc('Client').find('c')).toEqual({ client_id: 'c' });
      });
    });
  });
}
