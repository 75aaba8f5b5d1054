// Loads every policy file in a folder: one of them sets the defaults, and rules run in
// file-name order, then in the order written.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicyFile } from './parse.js';
import { methodIds, type Outcome, type PolicySet, type Rule } from './types.js';

/** Where a defaults section leaves a field out. Safe: ask for a second factor, remember nothing. */
export const builtInDefaults: Outcome = { require: 'mfa', methods: [...methodIds], strength: 'any', remember: 0, enrollment: 'required', appPasswords: 'allowed', callPin: 'optional' };

export function policyFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name) && statSync(join(dir, name)).isFile())
    .sort()
    .map((name) => join(dir, name));
}

export function loadPolicySet(dir: string): { policy?: PolicySet; problems: string[] } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return { problems: [`policy folder '${dir}' does not exist (set TWOFOLD_POLICIES)`] };
  }
  const files = policyFiles(dir);
  if (files.length === 0) return { problems: [`policy folder '${dir}' has no *.yaml files`] };

  const problems: string[] = [];
  const rules: Rule[] = [];
  const defaultsFrom: string[] = [];
  let defaults: Partial<Outcome> | undefined;
  for (const file of files) {
    const parsed = parsePolicyFile(file, readFileSync(file, 'utf8'));
    problems.push(...parsed.problems);
    if (!parsed.policy) continue;
    if (parsed.policy.defaults) {
      defaults = parsed.policy.defaults;
      defaultsFrom.push(file);
    }
    rules.push(...parsed.policy.rules);
  }
  if (defaultsFrom.length > 1) problems.push(`only one policy file may set defaults, but ${defaultsFrom.join(' and ')} both do`);
  if (defaultsFrom.length === 0 && problems.length === 0) problems.push(`no policy file in '${dir}' sets defaults (add a "defaults:" section)`);
  const seen = new Map<string, string>();
  for (const rule of rules) {
    const earlier = seen.get(rule.name);
    if (earlier) problems.push(`${rule.source}: rule name '${rule.name}' is used twice (first at ${earlier})`);
    else seen.set(rule.name, rule.source ?? '');
  }
  if (problems.length) return { problems };
  return { policy: { defaults: { ...builtInDefaults, ...defaults }, rules }, problems: [] };
}
