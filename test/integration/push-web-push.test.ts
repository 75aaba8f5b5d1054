// Web Push with VAPID keys: a device registers its browser's subscription, and a sign-in's
// request reaches the push service (here a stand-in on 127.0.0.1 that checks the documented
// request: RFC 8030 headers, a VAPID JWT of RFC 8292, an aes128gcm body of RFC 8291 it can
// decrypt with the subscription's keys). A subscription the service says is gone is dropped.
import { createECDH, createPublicKey, generateKeyPairSync, hkdfSync, createDecipheriv, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAccount } from '../../src/accounts/createAccount.js';
import { type AuthenticatorAccount, pendingRequests, subscribe } from '../../src/authenticator/client.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policyWith, startTestServer, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
// A VAPID key whose first byte is zero, given as Node prints it (31 bytes): the key one operator
// in 256 gets from createECDH, which must sign as well as any other.
const vapid = createECDH('prime256v1');
const vapidScalar = Buffer.concat([Buffer.alloc(1), randomBytes(31)]);
vapid.setPrivateKey(vapidScalar);
const vapidPublic = vapid.getPublicKey().toString('base64url');
const vapidPrivate = vapid.getPrivateKey().toString('base64url');

interface Received { path: string; headers: IncomingMessage['headers']; body: Buffer }
const received: Received[] = [];
let answerWith = 201;
let pushService: Server;
let pushOrigin: string;
let server: TestServer;
let rp: RelyingParty;

beforeAll(async () => {
  pushService = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(answerWith).end();
    });
  });
  await new Promise<void>((resolve) => pushService.listen(0, '127.0.0.1', resolve));
  pushOrigin = `http://127.0.0.1:${(pushService.address() as AddressInfo).port}`;
  server = await startTestServer({
    pushVapidPublicKey: vapidPublic, pushVapidPrivateKey: vapidPrivate, pushVapidSubject: 'mailto:ops@example.com',
    pushServiceOrigins: [pushOrigin],
  }, { policy: policyWith('require: mfa\nmethods: [push]\nenrollment: required') });
  rp = await createRelyingParty(server, { name: 'Team Wiki' });
});
afterAll(async () => {
  await server.stop();
  await new Promise((resolve) => pushService.close(resolve));
});

/** A person whose device was set up earlier (the server keeps its public key). */
async function personWithDevice(username: string): Promise<{ accountId: string; device: AuthenticatorAccount }> {
  const { id } = await createAccount(server.store.accounts, { username, password });
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const deviceId = `device-${username}`;
  await server.store.credentials.add({ accountId: id, method: 'push', label: 'Phone', externalId: deviceId, data: { publicKey: { kty, crv, x, y }, name: 'Phone' } });
  return { accountId: id, device: { server: server.issuer, issuer: 'Twofold', account: username, deviceId, name: 'Phone', privateKey: privateKey.export({ format: 'jwk' }), totp: null } };
}

/** The browser side of a subscription: its ECDH key pair and auth secret. */
function browserSubscription(path: string) {
  const keys = createECDH('prime256v1');
  keys.generateKeys();
  const auth = randomBytes(16);
  return { keys, authSecret: auth, subscription: { endpoint: `${pushOrigin}${path}`, p256dh: keys.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } };
}

/** RFC 8291 §3.4 and RFC 8188 §2 from the receiving side. */
function decrypt(body: Buffer, receiver: ReturnType<typeof createECDH>, authSecret: Buffer): string {
  const salt = body.subarray(0, 16);
  expect(body.readUInt32BE(16)).toBe(4096);
  const idLength = body.readUInt8(20);
  const senderPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const ikm = Buffer.from(hkdfSync('sha256', receiver.computeSecret(senderPublic), authSecret, Buffer.concat([Buffer.from('WebPush: info\0'), receiver.getPublicKey(), senderPublic]), 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  const end = padded.lastIndexOf(2);
  expect(padded.subarray(end + 1).every((byte) => byte === 0)).toBe(true);
  return padded.subarray(0, end).toString('utf8');
}

const arrived = async (count: number) => {
  for (let i = 0; i < 50 && received.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return received;
};

test('the server offers its VAPID key and refuses subscriptions to other push services or without the device key', async () => {
  expect(await (await fetch(`${server.issuer}/authenticator/api/web-push`)).json()).toEqual({ publicKey: vapidPublic });
  const { device } = await personWithDevice('web-push-refusals');
  await expect(subscribe(device, { ...browserSubscription('/x').subscription, endpoint: 'https://push.attacker.example/x' }, { now: server.clock.now })).rejects.toMatchObject({ status: 400, error: 'endpoint_not_allowed' });
  const stranger = { ...device, privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) };
  await expect(subscribe(stranger, browserSubscription('/y').subscription, { now: server.clock.now })).rejects.toMatchObject({ status: 401 });
  const bad = await fetch(`${server.issuer}/authenticator/api/subscription`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device: device.deviceId }) });
  expect(bad.status).toBe(400);
  expect(await server.store.push.subscriptions((await server.store.accounts.findByUsername('web-push-refusals'))!.id)).toEqual([]);
});

test('a push request wakes the subscribed app: signed for the push service, encrypted for the browser; a gone subscription is dropped', async () => {
  const { accountId, device } = await personWithDevice('web-push-person');
  const browser = browserSubscription('/push/abc');
  await subscribe(device, browser.subscription, { now: server.clock.now });
  received.length = 0;

  const { page } = await signInWithPassword(new UserAgent(server.issuer), rp, 'web-push-person', password);
  expect(page.html).toContain('Open your Authenticator app and enter the number shown to sign in');
  const [message] = await arrived(1);
  expect(message).toBeDefined();
  expect(message!.path).toBe('/push/abc');
  expect(message!.headers).toMatchObject({ ttl: '60', urgency: 'high', 'content-encoding': 'aes128gcm', 'content-type': 'application/octet-stream' });

  // RFC 8292: vapid t=<ES256 JWT for this push service's origin>, k=<the server's public key>.
  const auth = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(String(message!.headers.authorization));
  expect(auth).not.toBeNull();
  const [, header, claims, signature, k] = auth!;
  expect(k).toBe(vapidPublic);
  expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ typ: 'JWT', alg: 'ES256' });
  const jwt = JSON.parse(Buffer.from(claims!, 'base64url').toString());
  expect(jwt).toMatchObject({ aud: pushOrigin, sub: 'mailto:ops@example.com' });
  expect(jwt.exp * 1000 - server.clock.now()).toBeGreaterThan(0);
  expect(jwt.exp * 1000 - server.clock.now()).toBeLessThanOrEqual(24 * 3600 * 1000);
  const point = Buffer.from(vapidPublic, 'base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
  expect(verify('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature!, 'base64url'))).toBe(true);

  // The browser decrypts the request's id and the application; never the number.
  const [request] = await pendingRequests(device, { now: server.clock.now });
  expect(JSON.parse(decrypt(message!.body, browser.keys, browser.authSecret))).toEqual({ type: 'request', id: request!.id, issuer: 'Twofold', clientName: 'Team Wiki' });

  // The push service says the subscription is gone: it is dropped, and nothing more is sent to it.
  answerWith = 410;
  server.clock.advance(31_000);
  await signInWithPassword(new UserAgent(server.issuer), rp, 'web-push-person', password);
  await arrived(2);
  for (let i = 0; i < 20 && (await server.store.push.subscriptions(accountId)).length; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await server.store.push.subscriptions(accountId)).toEqual([]);
  answerWith = 201;
});
