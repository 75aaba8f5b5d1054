// "Devices that skip the second factor" on security info: each row says which browser it is
// ("This device" for the one reading the page), the address it was last seen from and when, and
// whether it still counts. A device remembered before the person's methods changed, or before the
// policy shortened how long devices are remembered, no longer skips anything and says so.
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { HttpError } from '../../src/http/form.js';
import { deviceCookie, deviceTokenHash } from '../../src/mfa/rememberedDevices.js';
import { longestRemember } from '../../src/policy/longestRemember.js';
import type { PolicySource } from '../../src/policy/source.js';
import type { Account, RememberedDevice, Store } from '../../src/store/types.js';
import { accountPaths } from './accountSession.js';

export const deviceNotices = {
  forgotten: 'That device will be asked for a second factor again.',
  'forgot-all': 'Every device will be asked for a second factor again.',
};

export interface DeviceRow {
  id: string;
  label: string;
  /** The browser reading the page holds this device's cookie. */
  current: boolean;
  ip?: string;
  added: string;
  lastUsed?: string;
  /** Still skips the second factor somewhere; otherwise `why` it no longer does. */
  counts: boolean;
  until?: string;
  why?: string;
}

const date = (ms: number) => new Date(ms).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
// Two sign-ins on the same day from one browser type are told apart by the time too.
const moment = (ms: number) => `${date(ms)}, ${new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' })} UTC`;

/** Where a device stands now, worked out the way the sign-in would (see rememberedDevices.recognise). */
export function deviceRow(device: RememberedDevice, facts: { methodsVersion: number; longest?: number; currentHash?: string; now: number }): DeviceRow {
  const { methodsVersion, longest, currentHash, now } = facts;
  const until = longest === undefined ? device.expiresAt : Math.min(device.expiresAt, device.createdAt + longest * 1000);
  const why = device.methodsVersion !== methodsVersion
    ? 'your sign-in methods changed after it was remembered'
    : longest === 0 ? 'the sign-in policy no longer lets a device skip it'
      : until <= now ? 'the sign-in policy now remembers devices for a shorter time' : undefined;
  return {
    id: device.id,
    label: device.label,
    current: currentHash !== undefined && device.tokenHash === currentHash,
    ip: device.ip ?? undefined,
    added: moment(device.createdAt),
    lastUsed: device.lastUsedAt ? moment(device.lastUsedAt) : undefined,
    counts: why === undefined,
    until: why === undefined ? date(until) : undefined,
    why,
  };
}

/** The person's devices as the page lists them: this device first, then newest first. */
export async function deviceRows(ctx: Context, deps: { store: Store; policies?: PolicySource; now: () => number }, account: Account): Promise<DeviceRow[]> {
  const [devices, methodsVersion] = await Promise.all([deps.store.devices.list(account.id), deps.store.credentials.methodsVersion(account.id)]);
  const token = ctx.cookies.get(deviceCookie, { signed: true });
  const currentHash = token ? deviceTokenHash(token) : undefined;
  const policy = deps.policies?.current();
  const rows = devices.map((device) => deviceRow(device, {
    methodsVersion, currentHash, now: deps.now(), longest: policy && longestRemember(policy, account, device.method),
  }));
  return rows.sort((a, b) => Number(b.current) - Number(a.current) || Number(b.counts) - Number(a.counts));
}

export interface DeviceRouteHelpers {
  guard: Middleware;
  signedIn: Middleware;
  person(ctx: Context): { sub: string };
  record(ctx: Context, type: string, method?: string, reason?: string): Promise<void>;
  back(ctx: Context, notice: string): void;
}

/** Forgetting only takes a skip away: it needs no fresh verification. */
export function deviceRoutes(router: Router, store: Store, { guard, signedIn, person, record, back }: DeviceRouteHelpers) {
  router.post(`${accountPaths.page}/devices/:id/forget`, guard, signedIn, async (ctx) => {
    const device = (await store.devices.list(person(ctx).sub)).find((candidate) => candidate.id === ctx.params.id);
    if (!device || !(await store.devices.remove(person(ctx).sub, device.id))) throw new HttpError(404, 'That device is not one of yours, or it was already forgotten.');
    await record(ctx, 'device.forget', undefined, device.label);
    back(ctx, 'forgotten');
  });
  router.post(`${accountPaths.page}/devices/forget-all`, guard, signedIn, async (ctx) => {
    await store.devices.removeAll(person(ctx).sub);
    await record(ctx, 'device.forget', undefined, 'all devices');
    back(ctx, 'forgot-all');
  });
}
