// The human-readable account of a decision, for `twofold policy explain` and test failures.
import { formatDuration } from '../duration.js';
import type { Decision, PolicySet } from './types.js';

const requirement = { none: 'no second factor needed', mfa: 'a second factor is required', block: 'sign-in is blocked' };

export function explainDecision(decision: Decision, policy: PolicySet): string[] {
  const source = policy.rules.find((rule) => rule.name === decision.rule)?.source;
  const lines = [
    `decision:    ${requirement[decision.require]} (${decision.require})`,
    `rule:        ${decision.rule}${source ? ` (${source})` : ''}`,
  ];
  if (decision.require !== 'block') {
    lines.push(
      `methods:     ${decision.methods.join(', ') || '(none allowed)'}`,
      `strength:    ${decision.strength}`,
      `remember:    ${decision.remember ? formatDuration(decision.remember) : 'never'}${decision.remember && decision.floor ? ' (a remembered device does not count: the application asked for an acr)' : ''}`,
      `enrollment:  ${decision.enrollment}`,
    );
    // Allowed is the default; say so only when a rule or the defaults turned them off.
    if (decision.appPasswords === 'forbidden') lines.push('app passwords: forbidden');
    if (decision.callPin === 'required' && decision.methods.includes('voice')) lines.push('call PIN:    required (a call counts only when answered with the PIN)');
  }
  if (decision.floor) lines.push(`floor:       ${decision.floor} (asked by the application)`);
  lines.push('trace:');
  for (const entry of decision.trace) {
    lines.push(`  ${entry.matched ? 'match' : 'skip '}  ${entry.rule}: ${entry.reasons.join('; ')}`);
  }
  if (!decision.trace.some((entry) => entry.matched && entry.rule === decision.rule)) lines.push(`  ->     no rule matched: the defaults apply`);
  return lines;
}
