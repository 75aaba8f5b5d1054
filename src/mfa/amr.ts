// Method references (RFC 8176) and the acr they reach.
import type { AcrLevels } from '../provider/acr.js';

/** The union of what was used, with `mfa` when two or more factors were. */
export function combineAmr(...sets: string[][]): string[] {
  const methods = [...new Set(sets.flat().filter((value) => value !== 'mfa'))];
  return methods.length >= 2 ? [...methods, 'mfa'] : methods;
}

/** The phishing-resistant level is a multi-factor level: a passkey that did not verify the
 * person is one factor, however phishing-resistant, and reaches only `sfa`. */
export function acrFor(amr: string[], phishingResistant: boolean, levels: AcrLevels): string {
  if (!amr.includes('mfa')) return levels.sfa;
  return phishingResistant ? levels.phishingResistant : levels.mfa;
}
