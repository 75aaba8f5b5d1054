// The Node authenticator: what the web app does, for headless devices, scripts and tests.
// An account is a P-256 key pair made here (the private key never leaves), the device id the
// server gave it, and the TOTP seed that came with the activation.
import { createPrivateKey, generateKeyPairSync, type JsonWebKey, sign } from 'node:crypto';
import { totpCode } from '../factors/otpCodes.js';
import { activationMessage, answerMessage, type Decision, readMessage, subscribeMessage } from '../factors/push/protocol.js';
import type { DeviceRequest } from '../factors/push/devices.js';

export interface AuthenticatorAccount {
  /** The provider's address (its issuer). */
  server: string;
  issuer: string;
  account: string;
  deviceId: string;
  name: string;
  privateKey: JsonWebKey;
  totp: { secret: string; digits: number; period: number } | null;
}

export type { DeviceRequest };

/** A request the server refused, with its status and message. */
export class AuthenticatorError extends Error {
  constructor(readonly status: number, readonly error: string, message: string) {
    super(message);
    this.name = 'AuthenticatorError';
  }
}

/** The server and code in an activation link (`https://idp.example/authenticator#activate=CODE`). */
export function parseActivationLink(link: string): { server: string; code: string } {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new AuthenticatorError(0, 'invalid_link', `not an activation link: '${link}'`);
  }
  const code = new URLSearchParams(url.hash.slice(1)).get('activate');
  if (!code || !url.pathname.endsWith('/authenticator')) throw new AuthenticatorError(0, 'invalid_link', `not an activation link: '${link}'`);
  return { server: `${url.origin}${url.pathname.slice(0, -'/authenticator'.length)}`, code };
}

const signWith = (privateKey: JsonWebKey, message: string) =>
  sign('sha256', Buffer.from(message), { key: createPrivateKey({ key: privateKey, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }).toString('base64url');

async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { ...init, headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) } });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new AuthenticatorError(response.status, String(body.error ?? 'error'), String(body.message ?? `the server answered ${response.status}`));
  return body as T;
}

/** Activates a new account on this device; `confirmation` is what the setup page asks for. */
export async function activate({ server, code, name }: { server: string; code: string; name: string }): Promise<{ account: AuthenticatorAccount; confirmation: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateJwk = privateKey.export({ format: 'jwk' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const normalized = code.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const result = await call<{ deviceId: string; account: string; issuer: string; confirmation: string; totp: AuthenticatorAccount['totp'] }>(`${server}/authenticator/api/activate`, {
    method: 'POST',
    body: JSON.stringify({ code, name, publicKey: { kty, crv, x, y }, signature: signWith(privateJwk, activationMessage(normalized)) }),
  });
  return {
    account: { server, issuer: result.issuer, account: result.account, deviceId: result.deviceId, name, privateKey: privateJwk, totp: result.totp },
    confirmation: result.confirmation,
  };
}

/** A signed read URL: the device, the time, and the signature over both and the path. */
function readUrl(account: AuthenticatorAccount, path: string, now: number): string {
  const sig = signWith(account.privateKey, readMessage(account.deviceId, path, now));
  return `${account.server}${path}?${new URLSearchParams({ device: account.deviceId, ts: String(now), sig })}`;
}

/** Reads are signed with the time: `now` is the device's clock (a test may set it to the server's). */
export interface ReadOptions {
  now?: () => number;
}

/** The requests waiting for an answer. */
export async function pendingRequests(account: AuthenticatorAccount, { now = Date.now }: ReadOptions = {}): Promise<DeviceRequest[]> {
  return (await call<{ requests: DeviceRequest[] }>(readUrl(account, '/authenticator/api/requests', now()))).requests;
}

/** Approves (with the number the sign-in page shows), denies, or denies and reports fraud. */
export async function answer(account: AuthenticatorAccount, requestId: string, decision: Decision, number = ''): Promise<string> {
  const body = { device: account.deviceId, decision, number, signature: signWith(account.privateKey, answerMessage(requestId, decision, number)) };
  return (await call<{ status: string }>(`${account.server}/authenticator/api/requests/${encodeURIComponent(requestId)}/answer`, { method: 'POST', body: JSON.stringify(body) })).status;
}

/** Listens on the event stream and calls `onRequest` for each new request, until `signal` aborts
 * or the server ends the stream (the device was removed). */
export async function listen(account: AuthenticatorAccount, onRequest: (request: DeviceRequest) => void, { signal, now = Date.now }: ReadOptions & { signal?: AbortSignal } = {}): Promise<void> {
  const response = await fetch(readUrl(account, '/authenticator/api/stream', now()), { signal, headers: { accept: 'text/event-stream' } });
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    throw new AuthenticatorError(response.status, String(body.error ?? 'error'), String(body.message ?? `the server answered ${response.status}`));
  }
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
        if (/^event: request$/m.test(event) && data) onRequest(JSON.parse(data) as DeviceRequest);
      }
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
}

/** Registers a Web Push subscription (a push service's endpoint and the receiving keys) for
 * the account's device, as a browser does once notifications are allowed. */
export async function subscribe(account: AuthenticatorAccount, subscription: { endpoint: string; p256dh: string; auth: string }, { now = Date.now }: ReadOptions = {}): Promise<void> {
  const ts = now();
  const signature = signWith(account.privateKey, subscribeMessage(account.deviceId, subscription.endpoint, subscription.p256dh, subscription.auth, ts));
  const response = await fetch(`${account.server}/authenticator/api/subscription`, {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ device: account.deviceId, ts, ...subscription, signature }),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    throw new AuthenticatorError(response.status, String(body.error ?? 'error'), String(body.message ?? `the server answered ${response.status}`));
  }
}

/** The verification code the app shows for the account at a time. */
export async function currentCode(account: AuthenticatorAccount, at = Date.now()): Promise<string> {
  if (!account.totp) throw new AuthenticatorError(0, 'no_totp', `${account.account} at ${account.issuer} has no verification codes`);
  return totpCode(account.totp.secret, Math.floor(at / 1000), { digits: account.totp.digits as 6 | 8, period: account.totp.period });
}
