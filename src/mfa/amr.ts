// Method references (RFC 8176) and the acr they reach.
import type { AcrLevels } from '../provider/acr.js';

/** The union of what was used, with `mfa` when two or more factors were. */
export function combineAmr(...sets: string[][]): string[] {
  const methods = [...new Set(sets.flat().filter((value) => value !== 'mfa'))];
  return methods.length >= 2 ? [...methods, 'mfa'] : methods;
}

export function acrFor(amr: string[], phishingResistant: boolean, levels: AcrLevels): string {
  if (phishingResistant) return levels.phishingResistant;
  return amr.includes('mfa') ? levels.mfa : levels.sfa;
}
