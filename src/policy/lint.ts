// Warnings about a valid policy that does not do what it says: rules that can never match
// (an earlier rule matches every sign-in they would), an earlier rule that asks for less
// from people both rules name, and decisions no method this server offers can satisfy.
// Pure: `policy test`, `policy explain` and the server at load print what it returns.
import type { Cidr } from './cidr.js';
import { type MethodOffer, satisfyingMethods } from './offer.js';
import type { Conditions, Outcome, PolicySet, Rule } from './types.js';

type ListKey = 'clients' | 'users' | 'groups' | 'acr';
const listKeys: ListKey[] = ['clients', 'users', 'groups', 'acr'];
const caseless: Record<ListKey, boolean> = { clients: false, users: true, groups: true, acr: false };
const norm = (key: ListKey, values: string[]) => new Set(values.map((value) => (caseless[key] ? value.toLowerCase() : value)));

/** Whether every address in `inner` is in `outer`. */
function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  if (inner.width !== outer.width || inner.prefix < outer.prefix) return false;
  const shift = BigInt(outer.width - outer.prefix);
  return inner.bits >> shift === outer.bits >> shift;
}

/** Whether two blocks share an address: one lies within the other. */
const cidrsMeet = (a: Cidr, b: Cidr) => cidrWithin(a, b) || cidrWithin(b, a);

/** Whether `earlier` matches every sign-in `later` matches: each of its conditions is one
 * `later` also sets, at least as narrowly. */
export function covers(earlier: Conditions, later: Conditions): boolean {
  for (const key of listKeys) {
    const wide = earlier[key];
    if (!wide) continue;
    const narrow = later[key];
    if (!narrow) return false;
    const allowed = norm(key, wide);
    if (![...norm(key, narrow)].every((value) => allowed.has(value))) return false;
  }
  if (earlier.network) {
    if (!later.network) return false;
    if (!later.network.every((block) => earlier.network!.some((outer) => cidrWithin(block, outer)))) return false;
  }
  return true;
}

/** Whether some sign-in could match both rules. */
export function overlaps(a: Conditions, b: Conditions): boolean {
  for (const key of listKeys) {
    const [x, y] = [a[key], b[key]];
    // Users and groups are different conditions a person can meet together; same key must share a value.
    if (x && y) {
      const left = norm(key, x);
      if (![...norm(key, y)].some((value) => left.has(value))) return false;
    }
  }
  if (a.network && b.network && !a.network.some((x) => b.network!.some((y) => cidrsMeet(x, y)))) return false;
  return true;
}

const place = (rule: Rule) => (rule.source ? ` (${rule.source})` : '');
const outcomeOf = (policy: PolicySet, rule: Rule): Outcome => ({
  ...policy.defaults,
  ...Object.fromEntries(Object.entries(rule).filter(([key, value]) => value !== undefined && !['name', 'when', 'source'].includes(key))),
});
const rank = { none: 0, mfa: 1, block: 2 } as const;

/** How `first` asks for less than `second`, in words, or undefined when it does not. */
function weaker(first: Outcome, second: Outcome): string | undefined {
  if (rank[first.require] < rank[second.require]) return `require ${first.require} instead of ${second.require}`;
  if (first.require === 'mfa' && second.require === 'mfa' && first.strength === 'any' && second.strength === 'phishing-resistant') return 'strength any instead of phishing-resistant';
  return undefined;
}

function unsatisfiable(what: string, outcome: Outcome, offer: MethodOffer): string | undefined {
  if (outcome.require !== 'mfa') return undefined;
  if (satisfyingMethods(outcome.methods, outcome.strength, offer).length) return undefined;
  return `${what} ${what === 'the defaults' ? 'require' : 'requires'} a ${outcome.strength === 'phishing-resistant' ? 'phishing-resistant ' : ''}second factor, but ${whyNothing(outcome.methods, outcome.strength, offer)}: nobody it applies to can sign in`;
}

/** Why none of `methods` can meet a decision here, in one clause. */
export function whyNothing(methods: readonly string[], strength: 'any' | 'phishing-resistant', offer: MethodOffer): string {
  const relevant = strength === 'any' ? methods : methods.filter((method) => offer.phishingResistant.includes(method as never));
  const reasons = relevant.filter((method) => offer.notOffered[method as keyof MethodOffer['notOffered']]).map((method) => `${method}: ${offer.notOffered[method as keyof MethodOffer['notOffered']]}`);
  const listed = methods.length ? `of its methods (${methods.join(', ')})` : 'it lists no methods';
  const cause = strength === 'phishing-resistant'
    ? `no phishing-resistant method ${methods.length ? listed.replace('of its', 'among its') : 'is listed'} is offered by this server`
    : methods.length ? `none ${listed} is one this server offers that a person can set up` : listed;
  return reasons.length ? `${cause}; ${reasons.join('; ')}` : cause;
}

export interface PolicyFinding {
  /** warning: the policy cannot do what it says; note: it may not be what was meant. */
  level: 'warning' | 'note';
  text: string;
}

export const formatFinding = (finding: PolicyFinding) => `${finding.level}: ${finding.text}`;

export function lintPolicy(policy: PolicySet, offer: MethodOffer): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  const warn = (text: string) => findings.push({ level: 'warning', text });
  const defaultsProblem = unsatisfiable('the defaults', policy.defaults, offer);
  if (defaultsProblem) warn(defaultsProblem);
  policy.rules.forEach((rule, index) => {
    const earlier = policy.rules.slice(0, index);
    const shadow = earlier.find((candidate) => covers(candidate.when, rule.when));
    if (shadow) {
      warn(`rule '${rule.name}'${place(rule)} can never match: rule '${shadow.name}'${place(shadow)} comes first and matches every sign-in it would`);
      return;
    }
    const outcome = outcomeOf(policy, rule);
    for (const candidate of earlier) {
      const less = overlaps(candidate.when, rule.when) && weaker(outcomeOf(policy, candidate), outcome);
      if (less) findings.push({ level: 'note', text: `rule '${candidate.name}'${place(candidate)} comes before rule '${rule.name}'${place(rule)} and asks for less (${less}) of sign-ins both match` });
    }
    const problem = unsatisfiable(`rule '${rule.name}'${place(rule)}`, outcome, offer);
    if (problem) warn(problem);
  });
  if (!offer.phishingResistant.some((method) => offer.offered.includes(method))) warn('no phishing-resistant method is offered by this server: an application that asks for phishing-resistant sign-in (acr) cannot be satisfied');
  return findings;
}
