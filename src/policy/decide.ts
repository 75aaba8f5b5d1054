// The policy engine: a pure function from who is signing in where to what is required.
// First matching rule wins; what a rule leaves out comes from the defaults; the relying
// party's acr request is a floor no rule can lower.
import { cidrContains } from './cidr.js';
import {
  type Conditions, type Decision, type DecisionContext, type Floor, type Outcome, phishingResistantMethods,
  type PolicySet, type Rule, type TraceEntry,
} from './types.js';

const lower = (values: string[]) => values.map((value) => value.toLowerCase());
const quoted = (values: string[]) => values.map((value) => `'${value}'`).join(', ');

/** One line per condition of the rule, and whether all of them hold. */
function evaluate(when: Conditions, context: DecisionContext): { matched: boolean; reasons: string[] } {
  const reasons: string[] = [];
  let matched = true;
  const check = (holds: boolean, yes: string, no: string) => {
    matched &&= holds;
    reasons.push(holds ? yes : no);
  };
  const { account, client, request } = context;
  if (when.clients) {
    check(when.clients.includes(client.id), `client '${client.id}' is listed`, `client '${client.id}' is not one of ${quoted(when.clients)}`);
  }
  if (when.users) {
    check(lower(when.users).includes(account.username.toLowerCase()), `user '${account.username}' is listed`, `user '${account.username}' is not one of ${quoted(when.users)}`);
  }
  if (when.groups) {
    const wanted = lower(when.groups);
    const shared = account.groups.filter((group) => wanted.includes(group.toLowerCase()));
    check(shared.length > 0, `in group ${quoted(shared)}`, `groups [${account.groups.join(', ')}] include none of ${quoted(when.groups)}`);
  }
  if (when.network) {
    const block = when.network.find((cidr) => cidrContains(cidr, request.ip));
    check(block !== undefined, `${request.ip} is in ${block?.text}`, `${request.ip || '(no address given)'} is not in ${when.network.map((c) => c.text).join(', ')}`);
  }
  if (when.acr) {
    const asked = request.acr.filter((value) => when.acr!.includes(value));
    check(asked.length > 0, `the application asked for acr ${quoted(asked)}`, `the application asked for acr [${request.acr.join(', ')}], none of ${quoted(when.acr)}`);
  }
  if (reasons.length === 0) reasons.push('no conditions: matches every sign-in');
  return { matched, reasons };
}

/** The lowest level among the requested acr values Twofold knows: any of them would do.
 * Values Twofold does not know are ignored. */
function floorOf({ request, acrLevels }: DecisionContext): Floor | undefined {
  const known = request.acr.filter((value) => Object.values(acrLevels).includes(value));
  if (known.length === 0 || known.includes(acrLevels.sfa)) return undefined;
  return known.includes(acrLevels.mfa) ? 'mfa' : 'phishing-resistant';
}

function applyFloor(outcome: Outcome, floor: Floor | undefined, trace: string[]): Outcome {
  if (!floor || outcome.require === 'block') return outcome;
  const raised = { ...outcome };
  if (raised.require === 'none') {
    raised.require = 'mfa';
    trace.push(`the application asked for ${floor === 'mfa' ? 'multi-factor' : 'phishing-resistant'} sign-in: a second factor is required`);
  }
  if (floor === 'phishing-resistant') {
    raised.strength = 'phishing-resistant';
    trace.push('the application asked for phishing-resistant sign-in: only phishing-resistant methods count');
  }
  return raised;
}

export function decide(context: DecisionContext, policy: PolicySet): Decision {
  const trace: TraceEntry[] = [];
  let matchedRule: Rule | undefined;
  for (const rule of policy.rules) {
    const { matched, reasons } = evaluate(rule.when, context);
    trace.push({ rule: rule.name, matched, reasons });
    if (matched) {
      matchedRule = rule;
      break;
    }
  }

  const { name: _name, when: _when, source: _source, ...fields } = matchedRule ?? { name: '', when: {} };
  const chosen: Outcome = { ...policy.defaults, ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) };
  const notes: string[] = [];
  const floor = floorOf(context);
  const outcome = applyFloor(chosen, floor, notes);
  if (outcome.strength === 'phishing-resistant') {
    outcome.methods = outcome.methods.filter((method) => phishingResistantMethods.includes(method));
  }
  if (notes.length) trace.push({ rule: 'relying party request', matched: true, reasons: notes });

  return { ...outcome, rule: matchedRule?.name ?? 'defaults', ...(floor && outcome.require !== 'block' ? { floor } : {}), trace };
}
