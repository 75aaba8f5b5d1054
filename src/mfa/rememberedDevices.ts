// "Don't ask again on this device": a random token in an httpOnly cookie, stored hashed,
// void once it expires, once the account's methods change, or once policy shortens `remember`;
// and it stands in only where the method that earned it would be accepted.
import { createHash, randomBytes } from 'node:crypto';
import type { Decision } from '../policy/types.js';
import type { CredentialStore, DeviceStore, RememberedDevice } from '../store/types.js';

export const deviceCookie = 'twofold.device';

/** What the store keeps of a device's token: security info compares it to tell "this device". */
export const deviceTokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');
const hash = deviceTokenHash;

/** "Chrome on Linux" from a user agent: enough for a person to recognise the device. */
export function deviceLabel(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'A browser';
  const system = /Windows/.test(ua) ? 'Windows' : /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : undefined;
  return system ? `${browser} on ${system}` : browser;
}

/** Whether "don't ask again on this device" may be offered and honoured for a decision: never where
 * the application asked for an acr or phishing resistance is required, since a cookie is neither. */
export const mayRemember = (decision: Pick<Decision, 'remember' | 'strength' | 'floor'>) =>
  decision.remember > 0 && decision.strength === 'any' && !decision.floor;

/** "7 days", "1 day", "12 hours": how long "don't ask again" lasts, or undefined where it is not offered. */
export function rememberPeriod(decision: Pick<Decision, 'remember' | 'strength' | 'floor'>): string | undefined {
  if (!mayRemember(decision)) return undefined;
  const [count, unit] = decision.remember % 86400 === 0 ? [decision.remember / 86400, 'day'] : [Math.max(1, Math.round(decision.remember / 3600)), 'hour'];
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

export function rememberedDevices(devices: DeviceStore, credentials: CredentialStore, now: () => number) {
  return {
    /** Creates the record and returns the token to put in the cookie. */
    async remember(accountId: string, method: string, seconds: number, userAgent: string | undefined, ip?: string): Promise<{ token: string; device: RememberedDevice }> {
      const token = randomBytes(32).toString('base64url');
      const at = now();
      const device = await devices.add({
        accountId, tokenHash: hash(token), method, label: deviceLabel(userAgent), createdAt: at, expiresAt: at + seconds * 1000,
        methodsVersion: await credentials.methodsVersion(accountId), ip: ip ?? null,
      });
      return { token, device };
    },

    /** The device this token stands for, if it still lets this account skip the second factor.
     * A cookie resists no phishing, so it never stands in where the decision asks for that. */
    async recognise(token: string | undefined, accountId: string, decision: Pick<Decision, 'remember' | 'methods' | 'strength' | 'floor'>, ip?: string): Promise<RememberedDevice | undefined> {
      if (!token || !mayRemember(decision)) return undefined;
      const device = await devices.findByTokenHash(hash(token));
      if (!device || device.accountId !== accountId) return undefined;
      if (!(decision.methods as readonly string[]).includes(device.method)) return undefined;
      if (device.createdAt + decision.remember * 1000 <= now()) return undefined;
      if (device.methodsVersion !== (await credentials.methodsVersion(accountId))) return undefined;
      await devices.touch(device.id, now(), ip);
      return device;
    },
  };
}
