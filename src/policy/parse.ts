// Reads one policy file (YAML) into defaults and rules, reporting every problem with its
// file and line. Unknown keys are errors: a misspelt condition must not silently match all.
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';
import { parseDuration } from '../duration.js';
import { type Cidr, parseCidr } from './cidr.js';
import { type Conditions, methodIds, type MethodId, type Outcome, type Rule } from './types.js';

export interface ParsedPolicyFile {
  defaults?: Partial<Outcome>;
  rules: Rule[];
}

const outcomeKeys = ['require', 'methods', 'strength', 'remember', 'enrollment'] as const;
const conditionKeys = ['clients', 'users', 'groups', 'network', 'acr'] as const;
const choices = {
  require: ['none', 'mfa', 'block'],
  strength: ['any', 'phishing-resistant'],
  enrollment: ['required', 'optional'],
} as const;

class FileReader {
  readonly problems: string[] = [];
  readonly lines = new LineCounter();
  constructor(readonly file: string) {}

  where(node: Node | null | undefined): string {
    const offset = node?.range?.[0];
    if (offset === undefined) return this.file;
    const { line, col } = this.lines.linePos(offset);
    return `${this.file}:${line}:${col}`;
  }

  problem(node: Node | null | undefined, message: string) {
    this.problems.push(`${this.where(node)}: ${message}`);
  }

  /** A mapping's entries, with unknown keys reported. */
  entries(map: YAMLMap, allowed: readonly string[], what: string): Map<string, Node | null> {
    const found = new Map<string, Node | null>();
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || !allowed.includes(key)) {
        this.problem(pair.key as Node, `${what}: unknown key '${key ?? '?'}' (expected one of: ${allowed.join(', ')})`);
        continue;
      }
      found.set(key, pair.value as Node | null);
    }
    return found;
  }

  strings(node: Node | null | undefined, what: string): string[] | undefined {
    if (isScalar(node) && typeof node.value === 'string' && node.value.trim()) return [node.value.trim()];
    if (!isSeq(node) || node.items.length === 0) {
      this.problem(node, `${what} must be a non-empty list`);
      return undefined;
    }
    const values: string[] = [];
    for (const item of node.items as (Node | null)[]) {
      if (isScalar(item) && (typeof item.value === 'string' || typeof item.value === 'number') && String(item.value).trim()) values.push(String(item.value).trim());
      else this.problem(item, `${what}: each entry must be a non-empty text`);
    }
    return values.length === node.items.length ? values : undefined;
  }

  choice<T extends string>(node: Node | null | undefined, allowed: readonly T[], what: string): T | undefined {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.problem(node, `${what} must be one of ${allowed.join(', ')} but is '${isScalar(node) ? String(node.value) : '(not a value)'}'`);
    return undefined;
  }
}

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
      for (const text of values) {
        const cidr = parseCidr(text);
        if (typeof cidr === 'string') {
          reader.problem(value, `${what}: when.network: ${cidr}`);
          ok = false;
        } else blocks.push(cidr);
      }
      conditions.network = blocks;
    } else {
      conditions[key as Exclude<(typeof conditionKeys)[number], 'network'>] = values;
    }
  }
  return ok ? conditions : undefined;
}

export function parsePolicyFile(file: string, text: string): { policy?: ParsedPolicyFile; problems: string[] } {
  const reader = new FileReader(file);
  const document = parseDocument(text, { lineCounter: reader.lines, uniqueKeys: true });
  for (const error of document.errors) {
    const [line, col] = error.linePos ? [error.linePos[0].line, error.linePos[0].col] : [];
    reader.problems.push(`${file}${line ? `:${line}:${col}` : ''}: ${error.message.split('\n')[0]}`);
  }
  if (reader.problems.length) return { problems: reader.problems };
  const root = document.contents as Node | null;
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
