// Reading admin-written YAML with every problem pinned to its file, line and column.
import { isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';

export function readYaml(file: string, text: string): { reader: FileReader; root: Node | null } {
  const reader = new FileReader(file);
  const document = parseDocument(text, { lineCounter: reader.lines, uniqueKeys: true });
  for (const error of document.errors) {
    const [line, col] = error.linePos ? [error.linePos[0].line, error.linePos[0].col] : [];
    reader.problems.push(`${file}${line ? `:${line}:${col}` : ''}: ${error.message.split('\n')[0]}`);
  }
  return { reader, root: document.contents as Node | null };
}

export class FileReader {
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
