// The policy engine: a pure function from who is signing in where to what is required.
// First matching rule wins; what a rule leaves out comes from the defaults; the relying
// party's acr request is a floor no rule can lower.
import { cidrContainsAddress, parseAddress } from './cidr.js';
import {
  type Conditions, type Decision, type DecisionContext, type Floor, type Outcome,
  type PolicySet, type Rule, type TraceEntry,
} from './types.js';

const quoted = (values: string[]) => values.map((value) => `'${value}'`).join(', ');

/** Facts about the sign-in worked out once per decision, not once per rule. */
interface Prepared {
  context: DecisionContext;
  address: ReturnType<typeof parseAddress>;
  groups: Set<string>;
  username: string;
}

/**
 * Whether every condition of the rule holds and, when explaining, one line per condition.
 * Without explaining it stops at the first condition that fails and builds no text: this
 * runs for every rule on every authorization request.
 */
function evaluate(when: Conditions, facts: Prepared, explain: boolean): { matched: boolean; reasons: string[] } {
  const reasons: string[] = [];
  let matched = true;
  /** Records one condition; false when evaluation can stop. */
  const check = (holds: boolean, yes: () => string, no: () => string) => {
    matched &&= holds;
    if (explain) reasons.push(holds ? yes() : no());
    return matched || explain;
  };
  const { account, client, request } = facts.context;
  if (when.clients) {
    const listed = when.clients.includes(client.id);
    if (!check(listed, () => `client '${client.id}' is listed`, () => `client '${client.id}' is not one of ${quoted(when.clients!)}`)) return { matched, reasons };
  }
  if (when.users) {
    const listed = when.users.some((user) => user.toLowerCase() === facts.username);
    if (!check(listed, () => `user '${account.username}' is listed`, () => `user '${account.username}' is not one of ${quoted(when.users!)}`)) return { matched, reasons };
  }
  if (when.groups) {
    const inGroup = when.groups.some((group) => facts.groups.has(group.toLowerCase()));
    const shared = () => account.groups.filter((group) => when.groups!.some((wanted) => wanted.toLowerCase() === group.toLowerCase()));
    if (!check(inGroup, () => `in group ${quoted(shared())}`, () => `groups [${account.groups.join(', ')}] include none of ${quoted(when.groups!)}`)) return { matched, reasons };
  }
  if (when.network) {
    const block = facts.address && when.network.find((cidr) => cidrContainsAddress(cidr, facts.address!));
    if (!check(block !== undefined, () => `${request.ip} is in ${block!.text}`, () => `${request.ip || '(no address given)'} is not in ${when.network!.map((c) => c.text).join(', ')}`)) return { matched, reasons };
  }
  if (when.acr) {
    const asked = request.acr.filter((value) => when.acr!.includes(value));
    check(asked.length > 0, () => `the application asked for acr ${quoted(asked)}`, () => `the application asked for acr [${request.acr.join(', ')}], none of ${quoted(when.acr!)}`);
  }
  if (explain && reasons.length === 0) reasons.push('no conditions: matches every sign-in');
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

/** The decision for one sign-in. `explain: false` leaves the trace empty: the sign-in path needs
 * only the outcome and the rule; `policy explain`, `policy test` and the tests want the why. */
export function decide(context: DecisionContext, policy: PolicySet, { explain = true } = {}): Decision {
  const facts: Prepared = {
    context,
    address: parseAddress(context.request.ip),
    groups: new Set(context.account.groups.map((group) => group.toLowerCase())),
    username: context.account.username.toLowerCase(),
  };
  const trace: TraceEntry[] = [];
  let matchedRule: Rule | undefined;
  for (const rule of policy.rules) {
    const { matched, reasons } = evaluate(rule.when, facts, explain);
    if (explain) trace.push({ rule: rule.name, matched, reasons });
    if (matched) {
      matchedRule = rule;
      break;
    }
  }

  const { name: _name, when: _when, source: _source, ...fields } = matchedRule ?? { name: '', when: {} };
  const chosen: Outcome = { ...policy.defaults, ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) };
  const notes: string[] = [];
  const floor = floorOf(context);
  // Which of the methods resist phishing is the factors' knowledge, not the policy's: under
  // `strength: phishing-resistant` the caller offers only those (see src/mfa/service.ts).
  const outcome = applyFloor(chosen, floor, notes);
  if (explain && notes.length) trace.push({ rule: 'relying party request', matched: true, reasons: notes });

  return { ...outcome, rule: matchedRule?.name ?? 'defaults', ...(floor && outcome.require !== 'block' ? { floor } : {}), trace };
}
