// Reads one policy file (YAML) into defaults and rules, reporting every problem with its
// file and line. Unknown keys are errors: a misspelt condition must not silently match all.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { parseDuration } from '../duration.js';
import { type Cidr, parseCidr } from './cidr.js';
import { type Conditions, methodIds, type MethodId, type Outcome, type Rule } from './types.js';
import { FileReader, readYaml } from './yamlReader.js';

export interface ParsedPolicyFile {
  defaults?: Partial<Outcome>;
  rules: Rule[];
}

const outcomeKeys = ['require', 'methods', 'strength', 'remember', 'enrollment', 'app_passwords', 'call_pin'] as const;
const conditionKeys = ['clients', 'users', 'groups', 'network', 'acr'] as const;
const choices = {
  require: ['none', 'mfa', 'block'],
  strength: ['any', 'phishing-resistant'],
  enrollment: ['required', 'optional'],
  app_passwords: ['allowed', 'forbidden'],
  call_pin: ['required', 'optional'],
} as const;

function readOutcome(reader: FileReader, fields: Map<string, Node | null>, what: string): Partial<Outcome> {
  const outcome: Partial<Outcome> = {};
  for (const key of outcomeKeys) {
    if (!fields.has(key)) continue;
    const node = fields.get(key);
    switch (key) {
      case 'require':
      case 'strength':
      case 'enrollment': {
        const value = reader.choice(node, choices[key], `${what}: ${key}`);
        if (value) Object.assign(outcome, { [key]: value });
        break;
      }
      case 'app_passwords': {
        const value = reader.choice(node, choices[key], `${what}: ${key}`);
        if (value) outcome.appPasswords = value;
        break;
      }
      case 'call_pin': {
        const value = reader.choice(node, choices[key], `${what}: ${key}`);
        if (value) outcome.callPin = value;
        break;
      }
      case 'methods': {
        const values = reader.strings(node, `${what}: methods`);
        if (!values) break;
        const unknown = values.filter((value) => !(methodIds as readonly string[]).includes(value));
        const repeated = values.filter((value, index) => values.indexOf(value) !== index);
        if (unknown.length) reader.problem(node, `${what}: methods: unknown method ${unknown.map((m) => `'${m}'`).join(', ')} (known: ${methodIds.join(', ')})`);
        else if (repeated.length) reader.problem(node, `${what}: methods: '${repeated[0]}' is listed twice`);
        else outcome.methods = values as MethodId[];
        break;
      }
      case 'remember': {
        const raw = isScalar(node) ? node.value : undefined;
        const seconds = typeof raw === 'string' || typeof raw === 'number' ? parseDuration(raw) : undefined;
        if (seconds === undefined) reader.problem(node, `${what}: remember must be a duration such as 14d, 12h or 0 but is '${String(raw)}'`);
        else outcome.remember = seconds;
        break;
      }
    }
  }
  return outcome;
}

function readConditions(reader: FileReader, node: Node | null | undefined, what: string): Conditions | undefined {
  if (node === undefined || node === null) return {};
  if (!isMap(node)) {
    reader.problem(node, `${what}: when must be a mapping such as { groups: [contractors] }`);
    return undefined;
  }
  const conditions: Conditions = {};
  let ok = true;
  for (const [key, value] of reader.entries(node, conditionKeys, `${what}: when`)) {
    const values = reader.strings(value, `${what}: when.${key}`);
    if (!values) {
      ok = false;
      continue;
    }
    if (key === 'network') {
      const blocks: Cidr[] = [];
      values.forEach((text, index) => {
        const cidr = parseCidr(text);
        if (typeof cidr === 'string') {
          // Point at the entry itself, not the list it is in.
          reader.problem(isSeq(value) ? (value.items[index] as Node) : value, `${what}: when.network: ${cidr}`);
          ok = false;
        } else blocks.push(cidr);
      });
      conditions.network = blocks;
    } else {
      conditions[key as Exclude<(typeof conditionKeys)[number], 'network'>] = values;
    }
  }
  return ok ? conditions : undefined;
}

export { outcomeKeys };

export function parsePolicyFile(file: string, text: string): { policy?: ParsedPolicyFile; problems: string[] } {
  const { reader, root } = readYaml(file, text);
  if (reader.problems.length) return { problems: reader.problems };
  if (!isMap(root)) return { problems: [`${file}: a policy file is a mapping with version, defaults and rules`] };

  const top = reader.entries(root, ['version', 'defaults', 'rules'], 'policy');
  const version = top.get('version');
  if (!isScalar(version) || version.value !== 1) reader.problem(version ?? root, `version must be 1${isScalar(version) ? ` but is '${String(version.value)}'` : ' (add "version: 1")'}`);

  let defaults: Partial<Outcome> | undefined;
  if (top.has('defaults')) {
    const node = top.get('defaults');
    if (isMap(node)) defaults = readOutcome(reader, reader.entries(node, outcomeKeys, 'defaults'), 'defaults');
    else reader.problem(node, 'defaults must be a mapping');
  }

  const rules: Rule[] = [];
  const rulesNode = top.get('rules');
  if (rulesNode !== undefined && rulesNode !== null && !isSeq(rulesNode)) reader.problem(rulesNode, 'rules must be a list');
  if (isSeq(rulesNode)) {
    rulesNode.items.forEach((item, index) => {
      const what = `rule ${index + 1}`;
      if (!isMap(item)) return reader.problem(item as Node, `${what} must be a mapping with a name`);
      const fields = reader.entries(item, ['name', 'when', ...outcomeKeys], what);
      const nameNode = fields.get('name');
      const name = isScalar(nameNode) && typeof nameNode.value === 'string' && nameNode.value.trim() ? nameNode.value.trim() : undefined;
      if (!name) reader.problem(nameNode ?? item, `${what} needs a name`);
      const label = name ? `rule '${name}'` : what;
      const when = readConditions(reader, fields.get('when'), label);
      const outcome = readOutcome(reader, fields, label);
      if (name && when) rules.push({ name, when, ...outcome, source: reader.where(item) });
    });
  }
  return reader.problems.length ? { problems: reader.problems } : { policy: { defaults, rules }, problems: [] };
}
