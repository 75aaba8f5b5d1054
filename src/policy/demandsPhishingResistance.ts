// Whether the policy can ask this person for a phishing-resistant method somewhere: the
// defaults, or a rule naming them (or a group of theirs), for any application, network or
// requested acr, since those vary from one sign-in to the next. Pure, like the engine.
import type { PolicySet, Rule } from './types.js';

/** Whether a rule names this person (or a group of theirs), or names nobody in particular. */
export const namesPerson = (rule: Rule, account: { username: string; groups: string[] }) => {
  const username = account.username.toLowerCase();
  const groups = new Set(account.groups.map((group) => group.toLowerCase()));
  return (!rule.when.users || rule.when.users.some((user) => user.toLowerCase() === username))
    && (!rule.when.groups || rule.when.groups.some((group) => groups.has(group.toLowerCase())));
};

/** The name of a rule (or "defaults") that can require a phishing-resistant method of this
 * person, or undefined when none can. */
export function demandsPhishingResistance(policy: PolicySet, account: { username: string; groups: string[] }): string | undefined {
  const { defaults } = policy;
  if (defaults.require === 'mfa' && defaults.strength === 'phishing-resistant') return 'defaults';
  const rule = policy.rules.find((candidate) => namesPerson(candidate, account)
    && (candidate.require ?? defaults.require) === 'mfa' && (candidate.strength ?? defaults.strength) === 'phishing-resistant');
  return rule?.name;
}
