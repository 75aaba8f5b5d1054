// How long, at most, a device remembered after a method can skip this person's second factor
// under the policy, in seconds: the longest `remember` of the outcomes that can apply to them
// (any application, network), up to the first rule that always applies. Pure, like the engine.
// Security info uses it so a device the policy has since stopped remembering is not listed as
// remembered: a cookie the policy would refuse everywhere counts for nothing.
import { namesPerson } from './demandsPhishingResistance.js';
import type { Outcome, PolicySet, Rule } from './types.js';

const outcomeOf = (rule: Rule, defaults: Outcome): Outcome => ({
  require: rule.require ?? defaults.require,
  methods: rule.methods ?? defaults.methods,
  strength: rule.strength ?? defaults.strength,
  remember: rule.remember ?? defaults.remember,
  enrollment: rule.enrollment ?? defaults.enrollment,
  appPasswords: rule.appPasswords ?? defaults.appPasswords,
  callPin: rule.callPin ?? defaults.callPin,
});

/** 0 when no outcome open to this person lets a device remembered after `method` skip anything. */
export function longestRemember(policy: PolicySet, account: { username: string; groups: string[] }, method: string): number {
  // A remembered device stands in only where a second factor is due, any method will do, the
  // method that earned it is accepted, and no acr was asked for (see mayRemember).
  const honours = (outcome: Outcome) => outcome.require === 'mfa' && outcome.strength === 'any' && (outcome.methods as readonly string[]).includes(method);
  let longest = 0;
  for (const rule of policy.rules) {
    if (!namesPerson(rule, account)) continue;
    const outcome = outcomeOf(rule, policy.defaults);
    if (!rule.when.acr && honours(outcome)) longest = Math.max(longest, outcome.remember);
    // A rule with no condition beyond the person always matches them: nothing below it is reached.
    if (!rule.when.clients && !rule.when.network && !rule.when.acr) return longest;
  }
  return honours(policy.defaults) ? Math.max(longest, policy.defaults.remember) : longest;
}
