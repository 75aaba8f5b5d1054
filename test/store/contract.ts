// The behaviour every store adapter must have. Run it from a *.test.ts per adapter.
import type { ClientRecord, Store } from '../../src/store/types.js';
import { freshRegulationState, StoreConflictError } from '../../src/store/types.js';

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

      it('records whether email and phone were verified, and forgets it when either changes', async () => {
        const plain = await store.accounts.create(alice);
        expect(plain).toMatchObject({ emailVerified: false, phoneVerified: false });
        const { id } = await store.accounts.create({ ...alice, username: 'verified', emailVerified: true, phoneVerified: true });
        expect(await store.accounts.findById(id)).toMatchObject({ emailVerified: true, phoneVerified: true });
        // A flag without the value it vouches for means nothing.
        expect(await store.accounts.create({ username: 'nothing', passwordHash: 'h', emailVerified: true, phoneVerified: true })).toMatchObject({ emailVerified: false, phoneVerified: false });

        expect(await store.accounts.updateProfile(id, { email: 'new@example.com' })).toBe(true);
        expect(await store.accounts.findById(id)).toMatchObject({ email: 'new@example.com', emailVerified: false, phoneVerified: true });
        expect(await store.accounts.updateProfile(id, { emailVerified: true, displayName: 'Alice L.' })).toBe(true);
        expect(await store.accounts.findById(id)).toMatchObject({ email: 'new@example.com', emailVerified: true, displayName: 'Alice L.' });
        expect(await store.accounts.updateProfile(id, { phone: '+15555550199', phoneVerified: true })).toBe(true);
        expect(await store.accounts.findById(id)).toMatchObject({ phone: '+15555550199', phoneVerified: true });
        expect(await subject.rawContains('5555550199')).toBe(false);
        expect(await store.accounts.updateProfile(id, { phone: null, phoneVerified: true })).toBe(true);
        expect(await store.accounts.findById(id)).toMatchObject({ phone: null, phoneVerified: false });
        expect(await store.accounts.updateProfile('no-such-id', { emailVerified: true })).toBe(false);
      });

      it('lists accounts by username', async () => {
        await store.accounts.create({ username: 'zed', passwordHash: 'h' });
        await store.accounts.create({ username: 'amy', passwordHash: 'h' });
        expect((await store.accounts.list()).map((a) => a.username)).toEqual(['amy', 'zed']);
      });
    });

    describe('account changes', () => {
      it('replaces groups and removes an account', async () => {
        const { id } = await store.accounts.create({ username: 'carol', passwordHash: 'h', groups: ['a', 'b'] });
        expect(await store.accounts.setGroups(id, ['c', 'a'])).toBe(true);
        expect((await store.accounts.findById(id))!.groups).toEqual(['a', 'c']);
        expect(await store.accounts.setGroups('no-such-id', ['x'])).toBe(false);
        expect(await store.accounts.remove(id)).toBe(true);
        expect(await store.accounts.findByUsername('carol')).toBeUndefined();
        expect(await store.accounts.remove(id)).toBe(false);
      });
    });

    describe('clients', () => {
      const web: ClientRecord = {
        clientId: 'web-app', name: 'Web App', public: false, firstParty: true,
        redirectUris: ['https://app.example.com/cb'], postLogoutRedirectUris: ['https://app.example.com/'],
        secret: 'a-very-secret-client-secret-value', authMethod: 'client_secret_basic', jwksUri: null, jwks: null,
        grantTypes: ['authorization_code', 'refresh_token'], pkce: 'required', idTokenAlg: 'RS256',
        backchannelLogoutUri: null, backchannelLogoutSessionRequired: false, legacy: false, createdAt: 1,
      };

      it('creates, finds, lists and removes a client', async () => {
        await store.clients.create(web);
        await store.clients.create({ ...web, clientId: 'spa', public: true, secret: null, firstParty: false, authMethod: 'none' });
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

      it('replaces a registration in place, keeping its creation time, and keeps every option', async () => {
        await store.clients.create(web);
        const changed: ClientRecord = {
          ...web, name: 'Renamed', firstParty: false, redirectUris: ['https://new.example.com/cb', 'https://app.example.com/cb'],
          postLogoutRedirectUris: [], secret: null, authMethod: 'private_key_jwt', jwksUri: null,
          jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] }, grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
          pkce: 'optional', idTokenAlg: 'ES256', backchannelLogoutUri: 'https://app.example.com/logout', backchannelLogoutSessionRequired: true,
          createdAt: 999,
        };
        expect(await store.clients.update(changed)).toBe(true);
        expect(await store.clients.find('web-app')).toEqual({ ...changed, createdAt: 1 });
        const rotated = { ...web, secret: 'another-very-secret-client-secret' };
        expect(await store.clients.update(rotated)).toBe(true);
        expect((await store.clients.find('web-app'))?.secret).toBe('another-very-secret-client-secret');
        expect(await subject.rawContains('another-very-secret-client-secret')).toBe(false);
        expect(await store.clients.update({ ...web, clientId: 'nobody' })).toBe(false);
        expect(await store.clients.find('nobody')).toBeUndefined();
      });
    });

    describe('credentials', () => {
      it('makes the first credential the default and keeps the secret encrypted at rest', async () => {
        const first = await store.credentials.add({ accountId: 'a1', method: 'totp', label: 'Phone', secret: 'JBSWY3DPEHPK3PXPSECRETSEED' });
        clock += 1;
        const second = await store.credentials.add({ accountId: 'a1', method: 'totp', label: 'Tablet', secret: 'OTHERSEED' });
        expect(first).toMatchObject({ accountId: 'a1', method: 'totp', label: 'Phone', secret: 'JBSWY3DPEHPK3PXPSECRETSEED', isDefault: true, lastUsedAt: null });
        expect(second.isDefault).toBe(false);
        expect((await store.credentials.list('a1')).map((c) => c.label)).toEqual(['Phone', 'Tablet']);
        expect(await store.credentials.list('a2')).toEqual([]);
        expect(await subject.rawContains('JBSWY3DPEHPK3PXPSECRETSEED')).toBe(false);
      });

      it('moves the default, and promotes the oldest when the default is removed', async () => {
        const a = await store.credentials.add({ accountId: 'a1', method: 'totp', label: 'A' });
        clock += 1;
        const b = await store.credentials.add({ accountId: 'a1', method: 'totp', label: 'B' });
        clock += 1;
        const c = await store.credentials.add({ accountId: 'a1', method: 'totp', label: 'C' });
        expect(await store.credentials.setDefault('a1', c.id)).toBe(true);
        expect((await store.credentials.list('a1')).filter((x) => x.isDefault).map((x) => x.label)).toEqual(['C']);
        expect(await store.credentials.setDefault('other-account', a.id)).toBe(false);
        expect(await store.credentials.remove('a1', c.id)).toBe(true);
        expect((await store.credentials.list('a1')).map((x) => [x.label, x.isDefault])).toEqual([['A', true], ['B', false]]);
        expect(await store.credentials.remove('other-account', b.id)).toBe(false);
        expect(await store.credentials.remove('a1', c.id)).toBe(false);
      });

      it('renames a credential of the account only', async () => {
        const key = await store.credentials.add({ accountId: 'a1', method: 'webauthn', label: 'Blue key', externalId: 'cred-1' });
        expect(await store.credentials.rename('a1', key.id, 'Red key')).toBe(true);
        expect((await store.credentials.get(key.id))!.label).toBe('Red key');
        expect(await store.credentials.rename('a2', key.id, 'Stolen')).toBe(false);
        expect(await store.credentials.rename('a1', 'no-such-id', 'Nothing')).toBe(false);
        expect(await store.credentials.rename('a1', key.id, null)).toBe(true);
        expect((await store.credentials.get(key.id))!.label).toBeNull();
      });

      it('changes the methods version when methods are added or removed, not when the default moves', async () => {
        expect(await store.credentials.methodsVersion('a1')).toBe(0);
        const a = await store.credentials.add({ accountId: 'a1', method: 'totp' });
        const b = await store.credentials.add({ accountId: 'a1', method: 'totp' });
        const afterAdd = await store.credentials.methodsVersion('a1');
        expect(afterAdd).toBeGreaterThan(0);
        await store.credentials.setDefault('a1', b.id);
        expect(await store.credentials.methodsVersion('a1')).toBe(afterAdd);
        await store.credentials.remove('a1', a.id);
        expect(await store.credentials.methodsVersion('a1')).toBeGreaterThan(afterAdd);
      });

      it('lets a step be claimed once, only moving forward, and only once when claims race', async () => {
        const credential = await store.credentials.add({ accountId: 'a1', method: 'totp', usedStep: 100 });
        expect(await store.credentials.claimStep(credential.id, 100, clock)).toBe(false);
        expect(await store.credentials.claimStep(credential.id, 101, clock)).toBe(true);
        expect(await store.credentials.claimStep(credential.id, 101, clock)).toBe(false);
        expect(await store.credentials.claimStep(credential.id, 99, clock)).toBe(false);
        const racing = await Promise.all(Array.from({ length: 10 }, () => store.credentials.claimStep(credential.id, 102, clock)));
        expect(racing.filter(Boolean)).toHaveLength(1);
        expect((await store.credentials.list('a1'))[0]!.lastUsedAt).toBe(clock);
        expect((await store.credentials.get(credential.id))!.counter).toBe(102);
      });

      it('keeps what a method needs in the open, and finds a credential by its external id, unique per method', async () => {
        const key = await store.credentials.add({ accountId: 'a1', method: 'oath', externalId: 'SN-0001', data: { digits: 6, period: 30, model: 'OTP c200' } });
        expect(await store.credentials.get(key.id)).toMatchObject({ externalId: 'SN-0001', data: { digits: 6, period: 30, model: 'OTP c200' }, counter: null, version: 0 });
        expect(await store.credentials.findByExternalId('oath', 'SN-0001')).toMatchObject({ id: key.id, accountId: 'a1' });
        await store.credentials.add({ accountId: 'a3', method: 'oath', externalId: 'SN-0000' });
        await store.credentials.add({ accountId: 'a3', method: 'totp', secret: 'x' });
        expect((await store.credentials.listByMethod('oath')).map((c) => [c.externalId, c.accountId])).toEqual([['SN-0000', 'a3'], ['SN-0001', 'a1']]);
        expect(await store.credentials.findByExternalId('webauthn', 'SN-0001')).toBeUndefined();
        await expect(store.credentials.add({ accountId: 'a2', method: 'oath', externalId: 'SN-0001' })).rejects.toBeInstanceOf(StoreConflictError);
        expect(await store.credentials.list('a2')).toEqual([]);
        await store.credentials.add({ accountId: 'a2', method: 'webauthn', externalId: 'SN-0001' });
        expect(await store.credentials.get('no-such-id')).toBeUndefined();
      });

      it('replaces data only at the version it was read at, once when changes race', async () => {
        const codes = await store.credentials.add({ accountId: 'a1', method: 'recovery', data: { left: 10 } });
        expect(await store.credentials.updateData(codes.id, codes.version, { left: 9 }, clock)).toBe(true);
        expect(await store.credentials.updateData(codes.id, codes.version, { left: 8 }, clock)).toBe(false);
        const current = (await store.credentials.get(codes.id))!;
        expect(current).toMatchObject({ data: { left: 9 }, version: codes.version + 1, lastUsedAt: clock });
        const racing = await Promise.all(Array.from({ length: 8 }, (_, i) => store.credentials.updateData(codes.id, current.version, { left: i }, clock)));
        expect(racing.filter(Boolean)).toHaveLength(1);
      });

      it('never makes a standby credential the default, and removes all of an account\'s credentials at once', async () => {
        const standby = await store.credentials.add({ accountId: 'a1', method: 'recovery', defaultable: false });
        expect(standby.isDefault).toBe(false);
        expect(await store.credentials.setDefault('a1', standby.id)).toBe(false);
        clock += 1;
        const app = await store.credentials.add({ accountId: 'a1', method: 'totp' });
        expect(app.isDefault).toBe(true);
        await store.credentials.remove('a1', app.id);
        expect((await store.credentials.get(standby.id))!.isDefault).toBe(false);
        await store.credentials.add({ accountId: 'a1', method: 'totp' });
        await store.credentials.add({ accountId: 'a2', method: 'totp' });
        const before = await store.credentials.methodsVersion('a1');
        expect(await store.credentials.removeAll('a1')).toBe(2);
        expect(await store.credentials.list('a1')).toEqual([]);
        expect(await store.credentials.list('a2')).toHaveLength(1);
        expect(await store.credentials.methodsVersion('a1')).toBeGreaterThan(before);
      });
    });

    describe('challenges', () => {
      it('keeps per-interaction state encrypted until it expires or is deleted', async () => {
        await store.challenges.put('uid-1', 'a1', { method: 'totp', pendingSecret: 'PENDINGSEEDVALUE' }, 60);
        expect(await store.challenges.get('uid-1')).toEqual({ accountId: 'a1', data: { method: 'totp', pendingSecret: 'PENDINGSEEDVALUE' } });
        expect(await subject.rawContains('PENDINGSEEDVALUE')).toBe(false);
        await store.challenges.put('uid-1', 'a1', { method: 'sms' }, 60);
        expect((await store.challenges.get('uid-1'))?.data).toEqual({ method: 'sms' });
        clock += 61_000;
        expect(await store.challenges.get('uid-1')).toBeUndefined();
        await store.challenges.put('uid-2', 'a1', {}, 60);
        await store.challenges.delete('uid-2');
        expect(await store.challenges.get('uid-2')).toBeUndefined();
      });

      it('hands a challenge to exactly one of several racing takers', async () => {
        await store.challenges.put('uid-3', 'a1', { secret: 's' }, 60);
        const taken = await Promise.all(Array.from({ length: 5 }, () => store.challenges.take('uid-3')));
        expect(taken.filter(Boolean)).toEqual([{ accountId: 'a1', data: { secret: 's' } }]);
        expect(await store.challenges.get('uid-3')).toBeUndefined();
      });
    });

    describe('attempts', () => {
      it('starts fresh, applies updates atomically even when they race, and resets', async () => {
        expect(await store.attempts.get('mfa:a1')).toEqual(freshRegulationState);
        await Promise.all(Array.from({ length: 20 }, () => store.attempts.update('mfa:a1', (s) => ({ ...s, failures: s.failures + 1 }))));
        expect((await store.attempts.get('mfa:a1')).failures).toBe(20);
        const locked = await store.attempts.update('mfa:a1', (s) => ({ ...s, locks: 1, lockedUntil: 123, permanent: true }));
        expect(locked).toEqual({ failures: 20, locks: 1, lockedUntil: 123, permanent: true });
        expect(await store.attempts.get('mfa:a1')).toEqual(locked);
        await store.attempts.reset('mfa:a1');
        expect(await store.attempts.get('mfa:a1')).toEqual(freshRegulationState);
      });

      it('forgets idle counts for usernames that do not exist, and keeps real accounts\' counts', async () => {
        await store.attempts.update('password:unknown:nobody', (s) => ({ ...s, failures: 3 }));
        await store.attempts.update('password:account-1', (s) => ({ ...s, failures: 3 }));
        clock += 86_400_001;
        await store.sweep();
        expect(await store.attempts.get('password:unknown:nobody')).toEqual(freshRegulationState);
        expect((await store.attempts.get('password:account-1')).failures).toBe(3);
      });

      it('counts failed attempts from a network within a window', async () => {
        await store.attempts.recordAttempt({ subject: 'mfa:a1', network: '198.51.100.7', ok: false, at: clock - 20_000 });
        await store.attempts.recordAttempt({ subject: 'mfa:a2', network: '198.51.100.7', ok: false, at: clock - 5_000 });
        await store.attempts.recordAttempt({ subject: 'mfa:a2', network: '198.51.100.7', ok: true, at: clock - 4_000 });
        await store.attempts.recordAttempt({ subject: 'mfa:a3', network: '2001:db8:1:2::/64', ok: false, at: clock });
        expect(await store.attempts.failuresFromNetwork('198.51.100.7', clock - 30_000)).toBe(2);
        expect(await store.attempts.failuresFromNetwork('198.51.100.7', clock - 10_000)).toBe(1);
        expect(await store.attempts.failuresFromNetwork('2001:db8:1:2::/64', clock - 1)).toBe(1);
      });

      it("tells when a subject's attempts were made within a window, oldest first", async () => {
        await store.attempts.recordAttempt({ subject: 'send:a1', network: '198.51.100.7', ok: true, at: clock - 20_000 });
        await store.attempts.recordAttempt({ subject: 'send:a1', network: '198.51.100.7', ok: true, at: clock - 5_000 });
        await store.attempts.recordAttempt({ subject: 'send:a2', network: '198.51.100.7', ok: true, at: clock - 4_000 });
        expect(await store.attempts.attemptTimes('send:a1', clock - 30_000)).toEqual([clock - 20_000, clock - 5_000]);
        expect(await store.attempts.attemptTimes('send:a1', clock - 10_000)).toEqual([clock - 5_000]);
        expect(await store.attempts.attemptTimes('send:a3', clock - 10_000)).toEqual([]);
      });

      it('settles an attempt: a success clears the count, both are recorded, and the audit event is appended', async () => {
        await store.attempts.update('mfa:a1', (s) => ({ ...s, failures: 4, locks: 1 }));
        const event = { at: clock, type: 'mfa.verify', result: 'fail' as const, accountId: 'a1', method: 'totp', reason: 'wrong code' };
        await store.attempts.settle({ subject: 'mfa:a1', network: '198.51.100.7', ok: false, at: clock, audit: event });
        // A failure stays counted as it was when the attempt began.
        expect(await store.attempts.get('mfa:a1')).toEqual({ failures: 4, locks: 1, lockedUntil: null, permanent: false });
        expect(await store.attempts.failuresFromNetwork('198.51.100.7', clock - 1)).toBe(1);
        await store.attempts.settle({ subject: 'mfa:a1', network: '198.51.100.7', ok: true, at: clock + 1, audit: { ...event, at: clock + 1, result: 'ok', reason: null } });
        expect(await store.attempts.get('mfa:a1')).toEqual(freshRegulationState);
        expect(await store.attempts.attemptTimes('mfa:a1', clock - 1)).toEqual([clock, clock + 1]);
        expect(await store.attempts.failuresFromNetwork('198.51.100.7', clock - 1)).toBe(1);
        expect((await store.audit.tail({ accountId: 'a1', limit: 5 })).map((e) => [e.result, e.reason])).toEqual([['fail', 'wrong code'], ['ok', null]]);
        // Without an audit event (a caller that writes its own), only the attempt.
        await store.attempts.settle({ subject: 'mfa:a2', network: '198.51.100.7', ok: false, at: clock + 2 });
        expect(await store.attempts.attemptTimes('mfa:a2', clock - 1)).toEqual([clock + 2]);
        expect(await store.audit.tail({ accountId: 'a2', limit: 5 })).toEqual([]);
      });
    });

    describe('remembered devices', () => {
      it('finds a device by its token hash until it expires, lists, touches and removes', async () => {
        const device = await store.devices.add({ accountId: 'a1', tokenHash: 'hash-1', method: 'totp', label: 'Chrome on Linux', createdAt: clock, expiresAt: clock + 60_000, methodsVersion: 3 });
        await store.devices.add({ accountId: 'a1', tokenHash: 'hash-2', method: 'totp', label: 'Firefox', createdAt: clock, expiresAt: clock + 60_000, methodsVersion: 3 });
        expect(await store.devices.findByTokenHash('hash-1')).toEqual(device);
        await store.devices.touch(device.id, clock + 5);
        expect((await store.devices.findByTokenHash('hash-1'))?.lastUsedAt).toBe(clock + 5);
        expect((await store.devices.list('a1')).map((d) => d.label)).toEqual(['Chrome on Linux', 'Firefox']);
        expect(await store.devices.remove('someone-else', device.id)).toBe(false);
        expect(await store.devices.remove('a1', device.id)).toBe(true);
        expect(await store.devices.findByTokenHash('hash-1')).toBeUndefined();
        clock += 60_000;
        expect(await store.devices.findByTokenHash('hash-2')).toBeUndefined();
        expect(await store.devices.list('a1')).toEqual([]);
      });

      it('keeps the address a device was remembered from, and the one it was last used from', async () => {
        const device = await store.devices.add({ accountId: 'a1', tokenHash: 'ip-1', method: 'totp', label: 'Chrome on Linux', createdAt: clock, expiresAt: clock + 60_000, methodsVersion: 0, ip: '203.0.113.5' });
        expect(device.ip).toBe('203.0.113.5');
        const older = await store.devices.add({ accountId: 'a1', tokenHash: 'ip-2', method: 'totp', label: 'Chrome on Linux', createdAt: clock, expiresAt: clock + 60_000, methodsVersion: 0 });
        expect(older.ip).toBeNull();
        await store.devices.touch(device.id, clock + 10, '2001:db8::7');
        await store.devices.touch(older.id, clock + 20);
        const listed = await store.devices.list('a1');
        expect(listed.map((d) => [d.ip, d.lastUsedAt])).toEqual([['2001:db8::7', clock + 10], [null, clock + 20]]);
        // A use without an address keeps the one known.
        await store.devices.touch(device.id, clock + 30);
        expect((await store.devices.findByTokenHash('ip-1'))).toMatchObject({ ip: '2001:db8::7', lastUsedAt: clock + 30 });
      });

      it('forgets every device of an account at once', async () => {
        await store.devices.add({ accountId: 'a1', tokenHash: 'h1', method: 'totp', label: 'x', createdAt: clock, expiresAt: clock + 1000, methodsVersion: 0 });
        await store.devices.add({ accountId: 'a1', tokenHash: 'h2', method: 'totp', label: 'y', createdAt: clock, expiresAt: clock + 1000, methodsVersion: 0 });
        await store.devices.add({ accountId: 'a2', tokenHash: 'h3', method: 'totp', label: 'z', createdAt: clock, expiresAt: clock + 1000, methodsVersion: 0 });
        expect(await store.devices.removeAll('a1')).toBe(2);
        expect(await store.devices.findByTokenHash('h3')).toBeDefined();
      });
    });

    describe('enrollment skips', () => {
      it('holds for the sign-in it was made in only', async () => {
        expect(await store.enrollmentSkips.matches('a1', 1000)).toBe(false);
        await store.enrollmentSkips.record('a1', 1000);
        expect(await store.enrollmentSkips.matches('a1', 1000)).toBe(true);
        expect(await store.enrollmentSkips.matches('a1', 2000)).toBe(false);
        await store.enrollmentSkips.record('a1', 2000);
        expect(await store.enrollmentSkips.matches('a1', 1000)).toBe(false);
      });
    });

    describe('audit', () => {
      it('appends events and returns the newest, oldest first, for everyone or one account', async () => {
        for (let i = 1; i <= 5; i++) {
          await store.audit.append({ at: clock + i, type: 'mfa.verify', result: i % 2 ? 'fail' : 'ok', accountId: i < 4 ? 'a1' : 'a2', username: 'alice', clientId: 'wiki', ip: '198.51.100.7', userAgent: 'test', rule: 'defaults', method: 'totp', reason: `attempt ${i}` });
        }
        expect((await store.audit.tail({ limit: 3 })).map((e) => e.reason)).toEqual(['attempt 3', 'attempt 4', 'attempt 5']);
        expect((await store.audit.tail({ accountId: 'a1', limit: 10 })).map((e) => e.reason)).toEqual(['attempt 1', 'attempt 2', 'attempt 3']);
        expect((await store.audit.tail({ limit: 1 }))[0]).toEqual({ at: clock + 5, type: 'mfa.verify', result: 'fail', accountId: 'a2', username: 'alice', clientId: 'wiki', ip: '198.51.100.7', userAgent: 'test', rule: 'defaults', method: 'totp', reason: 'attempt 5', actor: null });
        await store.audit.append({ at: clock + 6, type: 'user.reset-mfa', result: 'ok', accountId: 'a1', actor: 'cli:root' });
        expect((await store.audit.tail({ limit: 1 }))[0]).toMatchObject({ type: 'user.reset-mfa', actor: 'cli:root' });
      });

      it('keeps events in the order they were appended, whatever times they carry', async () => {
        // A fraud report or an imported event may carry a time from another clock.
        await store.audit.append({ at: clock, type: 'user.add', result: 'ok', accountId: 'a1' });
        await store.audit.append({ at: clock - 86_400_000, type: 'fraud.report', result: 'fail', accountId: 'a1' });
        await store.audit.append({ at: clock - 1, type: 'password', result: 'ok', accountId: 'a1' });
        expect((await store.audit.tail({ accountId: 'a1', limit: 10 })).map((e) => e.type)).toEqual(['user.add', 'fraud.report', 'password']);
        expect((await store.audit.tail({ limit: 2 })).map((e) => e.type)).toEqual(['fraud.report', 'password']);
      });

      it('searches by user (without case, or account id), application, method, rule, types and time, newest first', async () => {
        const events = [
          { type: 'policy', result: 'info', accountId: 'a1', username: 'Alice', clientId: 'wiki', rule: 'office' },
          { type: 'mfa.verify', result: 'fail', accountId: 'a1', username: 'alice', clientId: 'wiki', method: 'totp', rule: 'office' },
          { type: 'mfa.verify', result: 'ok', accountId: 'a1', username: 'alice', clientId: 'mail', method: 'sms', rule: 'defaults' },
          { type: 'mfa.verify', result: 'ok', accountId: 'b1', username: 'bob', clientId: 'wiki', method: 'totp', rule: 'office' },
          { type: 'bypass.issue', result: 'ok', accountId: 'a1', username: 'alice', actor: 'admin:root' },
        ] as const;
        for (const [i, event] of events.entries()) await store.audit.append({ at: clock + i * 1000, ...event });
        const types = async (query: Omit<Parameters<typeof store.audit.search>[0], 'limit'>, limit = 100) =>
          (await store.audit.search({ ...query, limit })).map((e) => `${e.type}:${e.username}:${e.clientId}`);
        expect(await types({ user: 'ALICE' })).toEqual(['bypass.issue:alice:null', 'mfa.verify:alice:mail', 'mfa.verify:alice:wiki', 'policy:Alice:wiki']);
        expect(await types({ user: 'b1' })).toEqual(['mfa.verify:bob:wiki']);
        expect(await types({ user: 'al' })).toEqual([]);
        expect(await types({ clientId: 'wiki', method: 'totp' })).toEqual(['mfa.verify:bob:wiki', 'mfa.verify:alice:wiki']);
        expect(await types({ rule: 'office', types: ['policy', 'mfa.skip'] })).toEqual(['policy:Alice:wiki']);
        expect(await types({ types: [] })).toEqual([]);
        expect(await types({ from: clock + 1000, to: clock + 3000 })).toEqual(['mfa.verify:alice:mail', 'mfa.verify:alice:wiki']);
        expect(await types({ user: 'alice' }, 2)).toEqual(['bypass.issue:alice:null', 'mfa.verify:alice:mail']);
        expect((await store.audit.search({ types: ['bypass.issue'], limit: 1 }))[0]).toEqual({
          at: clock + 4000, type: 'bypass.issue', result: 'ok', accountId: 'a1', username: 'alice', clientId: null, ip: null, userAgent: null, rule: null, method: null, reason: null, actor: 'admin:root',
        });
      });
    });

    describe('phone', () => {
      it('records a call, keeps number, extension and keys encrypted, and finds it by the adapter\'s id', async () => {
        const call = await store.phone.addCall({ adapter: 'twilio', to: '+12125550142', extension: '8765', mode: 'pin', script: 'This is Acme.', at: clock });
        expect(call).toMatchObject({ adapter: 'twilio', externalId: null, to: '+12125550142', extension: '8765', mode: 'pin', script: 'This is Acme.', status: 'ringing', keys: null, detail: null, createdAt: clock, settledAt: null });
        await store.phone.setExternalId(call.id, 'CA0123456789abcdef0123456789abcdef');
        expect(await store.phone.findByExternalId('twilio', 'CA0123456789abcdef0123456789abcdef')).toMatchObject({ id: call.id });
        expect(await store.phone.findByExternalId('development', 'CA0123456789abcdef0123456789abcdef')).toBeUndefined();
        expect(await store.phone.settleCall(call.id, { status: 'answered', keys: '97531#' }, clock + 5)).toBe(true);
        expect(await store.phone.getCall(call.id)).toMatchObject({ status: 'answered', keys: '97531#', settledAt: clock + 5 });
        expect(await subject.rawContains('2125550142')).toBe(false);
        expect(await subject.rawContains('97531')).toBe(false);
        expect(await store.phone.getCall('no-such-call')).toBeUndefined();
      });

      it('settles a call once, even when callbacks race', async () => {
        const call = await store.phone.addCall({ adapter: 'development', to: '+447700900123', mode: 'confirm', script: 's', at: clock });
        const outcomes = [{ status: 'answered', keys: '#' }, { status: 'no-answer' }, { status: 'failed', detail: 'busy' }, { status: 'answered', keys: '0#' }] as const;
        const results = await Promise.all(outcomes.map((outcome) => store.phone.settleCall(call.id, outcome, clock)));
        expect(results.filter(Boolean)).toHaveLength(1);
        const settled = await store.phone.getCall(call.id);
        const winner = outcomes[results.indexOf(true)]!;
        expect(settled).toMatchObject({ status: winner.status, keys: 'keys' in winner ? winner.keys : null });
        expect(await store.phone.settleCall(call.id, { status: 'answered', keys: '#' }, clock)).toBe(false);
      });

      it('lists calls and texts newest first, keeps texts encrypted, and sweeps them after a day', async () => {
        await store.phone.addCall({ adapter: 'development', to: '+15555550100', mode: 'confirm', script: 'first', at: clock });
        await store.phone.addText({ adapter: 'development', to: '+15555550100', body: 'Your code is 314159', at: clock });
        clock += 1000;
        await store.phone.addCall({ adapter: 'development', to: '+15555550101', mode: 'confirm', script: 'second', at: clock });
        const text = await store.phone.addText({ adapter: 'development', to: '+15555550101', body: 'Your code is 271828', at: clock });
        expect(text).toMatchObject({ to: '+15555550101', body: 'Your code is 271828', createdAt: clock });
        expect((await store.phone.listCalls(10)).map((c) => c.script)).toEqual(['second', 'first']);
        expect((await store.phone.listCalls(1)).map((c) => c.script)).toEqual(['second']);
        expect((await store.phone.listTexts(10)).map((t) => [t.to, t.body])).toEqual([['+15555550101', 'Your code is 271828'], ['+15555550100', 'Your code is 314159']]);
        expect(await subject.rawContains('314159')).toBe(false);
        expect(await subject.rawContains('5555550101')).toBe(false);
        clock += 86_400_000;
        await store.sweep();
        expect(await store.phone.listCalls(10)).toEqual([]);
        expect(await store.phone.listTexts(10)).toEqual([]);
      });
    });

    describe('fraud reports', () => {
      const report = { accountId: 'a1', username: 'alice', clientId: 'wiki', ip: '198.51.100.7', userAgent: 'test', method: 'voice' };

      it('records reports and lists the newest first, for everyone or one account', async () => {
        const first = await store.fraud.addReport({ ...report, at: clock });
        await store.fraud.addReport({ ...report, at: clock + 1, accountId: 'a2', username: 'bob', method: 'push' });
        await store.fraud.addReport({ ...report, at: clock + 2 });
        expect(first).toEqual({ id: expect.any(String), ...report, at: clock });
        expect((await store.fraud.listReports({ limit: 10 })).map((r) => [r.username, r.at])).toEqual([['alice', clock + 2], ['bob', clock + 1], ['alice', clock]]);
        expect((await store.fraud.listReports({ accountId: 'a1', limit: 10 })).map((r) => r.at)).toEqual([clock + 2, clock]);
        expect(await store.fraud.listReports({ limit: 1 })).toHaveLength(1);
        expect(await store.fraud.listReports({ accountId: 'nobody', limit: 10 })).toEqual([]);
      });

      it('blocks until unblocked, or until a time; a later report never shortens a block', async () => {
        expect(await store.fraud.blockOf('a1', clock)).toBeUndefined();
        await store.fraud.block({ accountId: 'a1', since: clock, until: null, reportId: 'r1' });
        await store.fraud.block({ accountId: 'a1', since: clock + 1, until: clock + 60_000, reportId: 'r2' });
        expect(await store.fraud.blockOf('a1', clock + 10_000_000)).toMatchObject({ accountId: 'a1', until: null, reportId: 'r2' });
        expect(await store.fraud.unblock('a1')).toBe(true);
        expect(await store.fraud.unblock('a1')).toBe(false);
        expect(await store.fraud.blockOf('a1', clock)).toBeUndefined();

        await store.fraud.block({ accountId: 'a2', since: clock, until: clock + 60_000, reportId: 'r3' });
        await store.fraud.block({ accountId: 'a2', since: clock + 1, until: clock + 30_000, reportId: 'r4' });
        expect(await store.fraud.blockOf('a2', clock + 59_999)).toMatchObject({ since: clock, until: clock + 60_000 });
        expect(await store.fraud.blockOf('a2', clock + 60_000)).toBeUndefined();
        await store.fraud.block({ accountId: 'a2', since: clock + 70_000, until: clock + 80_000, reportId: 'r5' });
        expect(await store.fraud.blockOf('a2', clock + 75_000)).toEqual({ accountId: 'a2', since: clock + 70_000, until: clock + 80_000, reportId: 'r5' });
      });
    });

    describe('push', () => {
      const device = { deviceId: 'device-1', publicKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }, name: 'Work phone' };
      const request = (over: Partial<Parameters<Store['push']['addChallenge']>[0]> = {}) => store.push.addChallenge({
        accountId: 'a1', purpose: 'sign-in', number: '42', context: { clientName: 'Wiki', ip: '198.51.100.7' }, createdAt: clock, expiresAt: clock + 60_000, ...over,
      });

      it('activates once, with an unexpired code, and keeps the TOTP seed encrypted', async () => {
        const activation = await store.push.addActivation({ accountId: 'a1', username: 'alice', codeHash: 'hash-1', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DP', confirmation: '123456', expiresAt: clock + 300_000 });
        expect(activation).toMatchObject({ accountId: 'a1', username: 'alice', device: null, activatedAt: null, totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DP', confirmation: '123456' });
        expect(await subject.rawContains('JBSWY3DPEHPK3PXPJBSWY3DP')).toBe(false);
        expect(await store.push.activate('wrong-hash', device, clock)).toBeUndefined();
        const racing = await Promise.all([1, 2, 3].map((n) => store.push.activate('hash-1', { ...device, deviceId: `device-${n}` }, clock + 1)));
        expect(racing.filter(Boolean)).toHaveLength(1);
        const won = racing.find(Boolean)!;
        expect(won).toMatchObject({ id: activation.id, activatedAt: clock + 1, device: { publicKey: device.publicKey, name: 'Work phone' } });
        expect(await store.push.getActivation(activation.id)).toEqual(won);
        expect(await store.push.finishActivation(activation.id)).toBe(true);
        expect(await store.push.finishActivation(activation.id)).toBe(false);
        await store.push.addActivation({ accountId: 'a1', username: 'alice', codeHash: 'hash-2', totpSecret: null, confirmation: '654321', expiresAt: clock + 300_000 });
        expect(await store.push.activate('hash-2', { ...device, deviceId: 'late' }, clock + 300_000)).toBeUndefined();
      });

      it('keeps a request with its number encrypted, lists the pending ones, and takes one answer, once', async () => {
        const first = await request();
        const second = await request({ createdAt: clock + 1 });
        expect(first).toMatchObject({ accountId: 'a1', number: '42', status: 'pending', context: { clientName: 'Wiki' }, answeredBy: null, takenAt: null });
        expect((await store.push.pending('a1', clock + 2)).map((c) => c.id)).toEqual([first.id, second.id]);
        expect(await store.push.pending('a2', clock)).toEqual([]);
        const answers = await Promise.all(['approved', 'denied', 'fraud'].map((status) => store.push.answer(first.id, { status: status as 'approved', deviceId: 'device-1' }, clock + 5)));
        expect(answers.filter(Boolean)).toHaveLength(1);
        expect((await store.push.pending('a1', clock + 5)).map((c) => c.id)).toEqual([second.id]);
        expect(await store.push.getChallenge(first.id)).toMatchObject({ answeredBy: 'device-1', answeredAt: clock + 5 });
        expect(await store.push.take(second.id, clock + 6)).toBe(false); // nothing to use before an answer
        expect((await Promise.all([1, 2, 3].map(() => store.push.take(first.id, clock + 6)))).filter(Boolean)).toHaveLength(1);
        expect(await store.push.answer(second.id, { status: 'approved', deviceId: 'device-1' }, clock + 60_000)).toBe(false); // expired
      });

      it('keeps one Web Push subscription per device, encrypted, listed by account', async () => {
        const subscription = { deviceId: 'd1', accountId: 'a1', endpoint: 'https://push.example.net/send/secret-token', p256dh: 'BPublicKey', auth: 'authSecret' };
        await store.push.saveSubscription(subscription);
        await store.push.saveSubscription({ ...subscription, deviceId: 'd2', endpoint: 'https://push.example.net/send/other' });
        await store.push.saveSubscription({ ...subscription, endpoint: 'https://push.example.net/send/renewed' });
        await store.push.saveSubscription({ ...subscription, deviceId: 'd3', accountId: 'a2' });
        expect((await store.push.subscriptions('a1')).map((s) => [s.deviceId, s.endpoint]).sort()).toEqual([['d1', 'https://push.example.net/send/renewed'], ['d2', 'https://push.example.net/send/other']]);
        expect(await subject.rawContains('secret-token')).toBe(false);
        await store.push.removeSubscription('d1');
        expect((await store.push.subscriptions('a1')).map((s) => s.deviceId)).toEqual(['d2']);
      });

      it('wakes a watcher of the account after a request for it is written, and stops once closed', async () => {
        let wakes = 0;
        const watch = await store.push.watchRequests('a1', () => void wakes++, { pollMs: 20 });
        expect(['change stream', 'polling']).toContain(watch.how);
        const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
        await settle(watch.how === 'change stream' ? 500 : 0);
        const before = wakes;
        const added = await request();
        for (let i = 0; i < 100 && wakes === before; i++) await settle(20);
        expect(wakes).toBeGreaterThan(before);
        expect((await store.push.pending('a1', clock)).map((c) => c.id)).toEqual([added.id]);
        watch.close();
        await settle(60);
        const after = wakes;
        await request({ createdAt: clock + 1 });
        await settle(200);
        expect(wakes).toBe(after);
      });

      it('counts requests left unanswered or denied, not approved ones', async () => {
        const approved = await request();
        await store.push.answer(approved.id, { status: 'approved', deviceId: 'd' }, clock + 1);
        const denied = await request({ createdAt: clock + 2 });
        await store.push.answer(denied.id, { status: 'denied', deviceId: 'd' }, clock + 3);
        await request({ createdAt: clock + 4 });
        await request({ createdAt: clock + 6, accountId: 'a2' });
        expect(await store.push.unansweredOrDenied('a1', clock)).toEqual([clock + 2, clock + 4]);
        expect(await store.push.unansweredOrDenied('a1', clock + 3)).toEqual([clock + 4]);
      });
    });

    describe('token inventory', () => {
      const token = (serial: string, accountId: string | null = null) => ({ method: 'oath', serial, secret: `SEED-${serial}-GEZDGNBVGY3TQOJQ`, data: { kind: 'totp', digits: 6, period: 30 }, counter: null, accountId });

      it('imports tokens with their seeds encrypted, lists them by serial and assigns them', async () => {
        await store.tokens.add([token('SN-2'), token('SN-1', 'a1')]);
        expect(await subject.rawContains('SEED-SN-1-GEZDGNBVGY3TQOJQ')).toBe(false);
        expect((await store.tokens.list('oath')).map((t) => [t.serial, t.accountId, t.secret])).toEqual([['SN-1', 'a1', 'SEED-SN-1-GEZDGNBVGY3TQOJQ'], ['SN-2', null, 'SEED-SN-2-GEZDGNBVGY3TQOJQ']]);
        expect(await store.tokens.get('oath', 'SN-2')).toMatchObject({ data: { kind: 'totp', digits: 6, period: 30 }, importedAt: clock });
        expect(await store.tokens.assign('oath', 'SN-2', 'a2')).toBe(true);
        expect(await store.tokens.assign('oath', 'SN-9', 'a2')).toBe(false);
        expect((await store.tokens.assignedTo('oath', 'a2')).map((t) => t.serial)).toEqual(['SN-2']);
        expect(await store.tokens.assign('oath', 'SN-2', null)).toBe(true);
        expect(await store.tokens.assignedTo('oath', 'a2')).toEqual([]);
      });

      it('imports all or nothing: a serial already in stock or already activated rejects the whole batch', async () => {
        await store.tokens.add([token('SN-1')]);
        await expect(store.tokens.add([token('SN-5'), token('SN-1')])).rejects.toBeInstanceOf(StoreConflictError);
        await store.credentials.add({ accountId: 'a1', method: 'oath', externalId: 'SN-7', secret: 'x' });
        await expect(store.tokens.add([token('SN-6'), token('SN-7')])).rejects.toThrow(/SN-7/);
        expect((await store.tokens.list('oath')).map((t) => t.serial)).toEqual(['SN-1']);
      });

      it('hands a token to one of racing activations, and only to the person it is assigned to', async () => {
        await store.tokens.add([{ ...token('SN-1', 'a1'), counter: 41 }]);
        expect(await store.tokens.take('oath', 'SN-1', 'a2')).toBeUndefined();
        const results = await Promise.all(Array.from({ length: 5 }, () => store.tokens.take('oath', 'SN-1', 'a1')));
        expect(results.filter(Boolean)).toMatchObject([{ serial: 'SN-1', counter: 41, secret: 'SEED-SN-1-GEZDGNBVGY3TQOJQ' }]);
        expect(await store.tokens.get('oath', 'SN-1')).toBeUndefined();
      });
    });

    describe('app passwords', () => {
      let accountId: string;
      beforeEach(async () => {
        accountId = (await store.accounts.create({ username: 'mailer', passwordHash: 'h' })).id;
      });

      it('adds up to the limit, lists, touches and removes one by one', async () => {
        const first = await store.appPasswords.add({ accountId, name: 'Thunderbird', prefix: 'abcd', hash: 'hash-1' }, 2);
        expect(first).toMatchObject({ accountId, name: 'Thunderbird', prefix: 'abcd', hash: 'hash-1', createdAt: clock, lastUsedAt: null });
        clock += 1;
        await store.appPasswords.add({ accountId, name: 'Backup script', prefix: 'efgh', hash: 'hash-2' }, 2);
        expect(await store.appPasswords.add({ accountId, name: 'Third', prefix: 'ijkl', hash: 'hash-3' }, 2)).toBeUndefined();
        await store.appPasswords.touch(first!.id, clock + 5);
        expect((await store.appPasswords.list(accountId)).map((p) => [p.name, p.lastUsedAt])).toEqual([['Thunderbird', clock + 5], ['Backup script', null]]); // oldest first
        expect(await store.appPasswords.remove('someone-else', first!.id)).toBe(false);
        expect(await store.appPasswords.remove(accountId, first!.id)).toBe(true);
        expect(await store.appPasswords.remove(accountId, first!.id)).toBe(false);
        expect((await store.appPasswords.list(accountId)).map((p) => p.name)).toEqual(['Backup script']);
      });

      it('goes with its account, and a new account of the same name starts without any', async () => {
        await store.appPasswords.add({ accountId, name: 'Thunderbird', prefix: 'abcd', hash: 'hash-1' }, 2);
        expect(await store.accounts.remove(accountId)).toBe(true);
        expect(await store.appPasswords.list(accountId)).toEqual([]);
        const again = (await store.accounts.create({ username: 'mailer', passwordHash: 'h' })).id;
        expect(await store.appPasswords.list(again)).toEqual([]);
        expect(await store.appPasswords.add({ accountId: again, name: 'New', prefix: 'efgh', hash: 'hash-2' }, 1)).toMatchObject({ name: 'New' });
      });

      it('never passes the limit when creations race', async () => {
        await Promise.all(Array.from({ length: 6 }, (_, i) => store.appPasswords.add({ accountId, name: `p${i}`, prefix: 'abcd', hash: 'h' }, 3)));
        expect(await store.appPasswords.list(accountId)).toHaveLength(3);
      });

      it('goes with the account', async () => {
        await store.appPasswords.add({ accountId, name: 'Thunderbird', prefix: 'abcd', hash: 'h' }, 40);
        await store.accounts.remove(accountId);
        expect(await store.appPasswords.list(accountId)).toEqual([]);
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

      it("ends an account's sessions, grants and tokens, and nobody else's", async () => {
        const models = ['Session', 'Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode'];
        for (const model of models) {
          await store.oidc(model).upsert(`${model}-ended`, { accountId: 'leaving', grantId: 'g-leaving', uid: model === 'Session' ? 'u-leaving' : undefined }, 60);
          await store.oidc(model).upsert(`${model}-kept`, { accountId: 'staying', grantId: 'g-staying' }, 60);
        }
        // An interaction in progress names the account only inside its session copy.
        await store.oidc('Interaction').upsert('i1', { session: { accountId: 'leaving' } }, 60);
        await store.oidc('Client').upsert('leaving', { client_id: 'leaving' }, 0);
        expect(await store.endAccountSessions('leaving')).toBe(5);
        for (const model of models) {
          expect(await store.oidc(model).find(`${model}-ended`)).toBeUndefined();
          expect(await store.oidc(model).find(`${model}-kept`)).toBeDefined();
        }
        expect(await store.oidc('Session').findByUid('u-leaving')).toBeUndefined();
        expect(await store.oidc('Interaction').find('i1')).toBeDefined();
        expect(await store.oidc('Client').find('leaving')).toBeDefined();
        expect(await store.endAccountSessions('leaving')).toBe(0);
        expect(await store.endAccountSessions('nobody')).toBe(0);
      });

      it("ends an account's other sessions and what they issued, and keeps one session with its grants and tokens", async () => {
        await store.oidc('Session').upsert('s-here', { accountId: 'moving', uid: 'u-here', authorizations: { app: { sid: 'x', grantId: 'g-here' }, other: { sid: 'y', grantId: 'g-here-2' } } }, 60);
        await store.oidc('Session').upsert('s-there', { accountId: 'moving', uid: 'u-there', authorizations: { app: { sid: 'z', grantId: 'g-there' } } }, 60);
        for (const [grant, suffix] of [['g-here', 'here'], ['g-here-2', 'here-2'], ['g-there', 'there']] as const) {
          await store.oidc('Grant').upsert(grant, { accountId: 'moving' }, 60);
          for (const model of ['AccessToken', 'RefreshToken', 'AuthorizationCode']) await store.oidc(model).upsert(`${model}-${suffix}`, { accountId: 'moving', grantId: grant }, 60);
        }
        await store.oidc('Session').upsert('s-else', { accountId: 'staying', uid: 'u-else' }, 60);
        expect(await store.endAccountSessions('moving', { keepSessionUid: 'u-here' })).toBe(5);
        expect(await store.oidc('Session').find('s-here')).toBeDefined();
        expect(await store.oidc('Session').find('s-there')).toBeUndefined();
        for (const grant of ['g-here', 'g-here-2']) expect(await store.oidc('Grant').find(grant)).toBeDefined();
        expect(await store.oidc('Grant').find('g-there')).toBeUndefined();
        for (const model of ['AccessToken', 'RefreshToken', 'AuthorizationCode']) {
          expect(await store.oidc(model).find(`${model}-here`)).toBeDefined();
          expect(await store.oidc(model).find(`${model}-here-2`)).toBeDefined();
          expect(await store.oidc(model).find(`${model}-there`)).toBeUndefined();
        }
        expect(await store.oidc('Session').find('s-else')).toBeDefined();
        // Another account's session named as the one to keep keeps nothing of this account.
        expect(await store.endAccountSessions('moving', { keepSessionUid: 'u-else' })).toBe(9);
        expect(await store.oidc('Session').find('s-else')).toBeDefined();
      });

      it('keeps a payload without expiry', async () => {
        await store.oidc('Client').upsert('c', { client_id: 'c' }, 0);
        clock += 10 ** 9;
        expect(await store.oidc('Client').find('c')).toEqual({ client_id: 'c' });
      });
    });

    describe('re-encryption (`twofold keys rotate`)', () => {
      it('finds every value already under the current key, changes none, and reads them back the same', async () => {
        const account = await store.accounts.create({ username: 'sealed', passwordHash: 'h', phone: '+15555550123' });
        const credential = await store.credentials.add({ accountId: account.id, method: 'totp', secret: 'JBSWY3DPEHPK3PXP' });
        const report = await store.resealSecrets({ batch: 1 });
        expect(report.columns.find((column) => column.name === 'accounts.phone')).toEqual({ name: 'accounts.phone', resealed: 0, current: 1, unreadable: 0 });
        expect(report.columns.find((column) => column.name === 'credentials.secret')).toEqual({ name: 'credentials.secret', resealed: 0, current: 1, unreadable: 0 });
        expect(report.columns.every((column) => column.resealed === 0 && column.unreadable === 0)).toBe(true);
        expect((await store.accounts.findById(account.id))?.phone).toBe('+15555550123');
        expect((await store.credentials.get(credential.id))?.secret).toBe('JBSWY3DPEHPK3PXP');
      });
    });
  });
}
