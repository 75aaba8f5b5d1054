// The push options that depend on each other: Web Push needs all three VAPID values, a public
// key that belongs to the private one, and https push services in production.
import { createECDH } from 'node:crypto';
import type { Config, OptionName } from '../../config/schema.js';

export function resolvePushConfig(config: Config, invalid: ReadonlySet<OptionName>): string[] {
  const problems: string[] = [];
  const values = config as unknown as Record<string, unknown>;
  const vapid = [
    ['pushVapidPublicKey', 'TWOFOLD_PUSH_VAPID_PUBLIC_KEY'],
    ['pushVapidPrivateKey', 'TWOFOLD_PUSH_VAPID_PRIVATE_KEY'],
    ['pushVapidSubject', 'TWOFOLD_PUSH_VAPID_SUBJECT'],
  ] as const;
  const given = vapid.filter(([name]) => values[name] !== undefined || invalid.has(name as OptionName));
  if (given.length && given.length < vapid.length) {
    for (const [name, env] of vapid) {
      if (!given.some(([other]) => other === name)) problems.push(`${env} (option '${name}') must be set with the other VAPID options, or none of them: Web Push needs all three`);
    }
  }
  const { pushVapidPublicKey: publicKey, pushVapidPrivateKey: privateKey } = values as { pushVapidPublicKey?: string; pushVapidPrivateKey?: string };
  if (publicKey && privateKey && !invalid.has('pushVapidPublicKey' as OptionName) && !invalid.has('pushVapidPrivateKey' as OptionName)) {
    let derived = '';
    try {
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(Buffer.from(privateKey, 'base64url'));
      derived = ecdh.getPublicKey().toString('base64url');
    } catch {
      // Reported below: a scalar out of range has no public key.
    }
    if (derived !== publicKey) problems.push("TWOFOLD_PUSH_VAPID_PUBLIC_KEY (option 'pushVapidPublicKey') must be the public key of TWOFOLD_PUSH_VAPID_PRIVATE_KEY, but the two do not belong together");
  }
  const origins = values.pushServiceOrigins as string[] | undefined;
  if (config.nodeEnv === 'production' && origins?.some((origin) => origin.startsWith('http:'))) {
    problems.push(`TWOFOLD_PUSH_SERVICE_ORIGINS must list https push services in production but has '${origins.find((origin) => origin.startsWith('http:'))}'`);
  }
  return problems;
}
