// Admin-written expectations (policies/tests/*.yaml): given a sign-in, expect a decision.
// `twofold policy test` runs them and fails on any mismatch.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { parseDuration } from '../duration.js';
import { decide } from './decide.js';
import { policyFiles } from './load.js';
import type { Decision, DecisionContext, PolicySet } from './types.js';
import { readYaml } from './yamlReader.js';

type AcrLevels = DecisionContext['acrLevels'];
const expectable = ['require', 'methods', 'strength', 'remember', 'enrollment', 'rule', 'floor'] as const;
type Expectation = Partial<Record<(typeof expectable)[number], string | string[] | number>>;

export interface PolicyTestCase {
  name: string;
  source: string;
  given: { user: string; groups: string[]; client: string; ip: string; acr: string[] };
  expect: Expectation;
}

export interface PolicyTestResult {
  name: string;
  source: string;
  mismatches: string[];
  decision: Decision;
}

/** Admins may write the three levels by name instead of by URI. */
const acrShorthand = (levels: AcrLevels): Record<string, string> => ({ sfa: levels.sfa, mfa: levels.mfa, 'phishing-resistant': levels.phishingResistant });

export function parsePolicyTests(file: string, text: string, levels: AcrLevels): { cases: PolicyTestCase[]; problems: string[] } {
  const { reader, root } = readYaml(file, text);
  if (reader.problems.length) return { cases: [], problems: reader.problems };
  if (!isMap(root)) return { cases: [], problems: [`${file}: a policy test file is a mapping with a list of tests`] };
  const top = reader.entries(root, ['version', 'tests'], 'policy tests');
  const list = top.get('tests');
  const cases: PolicyTestCase[] = [];
  if (!isSeq(list)) {
    reader.problem(list ?? root, 'tests must be a list');
    return { cases, problems: reader.problems };
  }
  (list.items as (Node | null)[]).forEach((item, index) => {
    if (!isMap(item)) return reader.problem(item, `test ${index + 1} must be a mapping with name, given and expect`);
    const fields = reader.entries(item, ['name', 'given', 'expect'], `test ${index + 1}`);
    const nameNode = fields.get('name');
    const name = isScalar(nameNode) && typeof nameNode.value === 'string' ? nameNode.value : `test ${index + 1}`;
    const given = fields.get('given');
    const expected = fields.get('expect');
    if (!isMap(given)) return reader.problem(given ?? item, `${name}: given must be a mapping with user, client and optionally groups, ip, acr`);
    if (!isMap(expected)) return reader.problem(expected ?? item, `${name}: expect must be a mapping of decision fields`);

    const g = reader.entries(given, ['user', 'groups', 'client', 'ip', 'acr'], `${name}: given`);
    const text = (key: string) => {
      const node = g.get(key);
      return isScalar(node) && node.value !== null ? String(node.value) : undefined;
    };
    const user = text('user');
    const client = text('client');
    if (!user) reader.problem(given, `${name}: given needs a user`);
    if (!client) reader.problem(given, `${name}: given needs a client`);
    const groups = g.has('groups') ? reader.strings(g.get('groups'), `${name}: given.groups`) : [];
    const acr = g.has('acr') ? reader.strings(g.get('acr'), `${name}: given.acr`)?.map((v) => acrShorthand(levels)[v] ?? v) : [];

    const e = reader.entries(expected, expectable, `${name}: expect`);
    const expectation: Expectation = {};
    for (const [key, node] of e) {
      if (key === 'methods') {
        const methods = reader.strings(node, `${name}: expect.methods`);
        if (methods) expectation.methods = methods;
      } else if (key === 'remember') {
        const seconds = isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? parseDuration(node.value) : undefined;
        if (seconds === undefined) reader.problem(node, `${name}: expect.remember must be a duration`);
        else expectation.remember = seconds;
      } else if (isScalar(node) && node.value !== null) {
        expectation[key as 'rule'] = String(node.value);
      } else reader.problem(node, `${name}: expect.${key} must be a value`);
    }
    if (user && client && groups && acr) {
      cases.push({ name, source: reader.where(item), given: { user, client, groups, acr, ip: text('ip') ?? '' }, expect: expectation });
    }
  });
  return { cases, problems: reader.problems };
}

function compare(expectation: Expectation, decision: Decision): string[] {
  const mismatches: string[] = [];
  for (const [key, expected] of Object.entries(expectation)) {
    const actual = decision[key as keyof Decision];
    const same = Array.isArray(expected)
      ? Array.isArray(actual) && [...expected].sort().join() === [...(actual as string[])].sort().join()
      : String(expected) === String(actual);
    if (!same) mismatches.push(`expected ${key} ${JSON.stringify(expected)} but got ${JSON.stringify(actual ?? null)}`);
  }
  return mismatches;
}

export function runPolicyTests(policy: PolicySet, cases: PolicyTestCase[], acrLevels: AcrLevels): PolicyTestResult[] {
  return cases.map(({ name, source, given, expect }) => {
    const decision = decide({
      account: { id: given.user, username: given.user, groups: given.groups },
      client: { id: given.client },
      request: { ip: given.ip, acr: given.acr },
      acrLevels,
    }, policy);
    return { name, source, decision, mismatches: compare(expect, decision) };
  });
}

/** All test files of a policy folder (its tests/ subfolder). */
export function loadPolicyTests(policyDir: string, levels: AcrLevels): { cases: PolicyTestCase[]; problems: string[] } {
  const dir = join(policyDir, 'tests');
  if (!existsSync(dir)) return { cases: [], problems: [`no policy tests: '${dir}' does not exist`] };
  const results = policyFiles(dir).map((file) => parsePolicyTests(file, readFileSync(file, 'utf8'), levels));
  const cases = results.flatMap((r) => r.cases);
  const problems = results.flatMap((r) => r.problems);
  if (!cases.length && !problems.length) problems.push(`no policy tests in '${dir}'`);
  return { cases, problems };
}
