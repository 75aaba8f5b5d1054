// What this server can offer the policy: the methods it implements and can run with its
// configuration, which of them resist phishing, and why the others are not offered.
import type { MethodId } from './types.js';

export interface MethodOffer {
  /** Methods this server can run now, in the registry's order. */
  offered: MethodId[];
  /** Methods a policy may name that this server cannot run, each with the reason (an option to set). */
  notOffered: Partial<Record<MethodId, string>>;
  /** Implemented methods bound to the site (passkeys, security keys), offered or not. */
  phishingResistant: MethodId[];
  /** Offered methods kept for emergencies only (recovery codes): never enough alone. */
  standby: MethodId[];
}

/** The methods a decision lists that this server offers, in the decision's order. */
export const offeredAmong = (methods: readonly MethodId[], offer: MethodOffer) => methods.filter((method) => offer.offered.includes(method));

/** The offered methods a person could set up and use to meet a decision with these methods and strength. */
export function satisfyingMethods(methods: readonly MethodId[], strength: 'any' | 'phishing-resistant', offer: MethodOffer): MethodId[] {
  return offeredAmong(methods, offer)
    .filter((method) => !offer.standby.includes(method))
    .filter((method) => strength === 'any' || offer.phishingResistant.includes(method));
}
