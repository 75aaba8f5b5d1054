// Turning schema failures into messages people can act on.
import type { z } from 'zod';

export class InvalidInputError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'InvalidInputError';
  }
}

/** One readable line per problem: "field: message". */
export function describeIssues(error: z.ZodError, labels: Record<string, string> = {}): string[] {
  return error.issues.map((issue) => {
    const [first, ...rest] = issue.path.map(String);
    const label = first === undefined ? 'input' : (labels[first] ?? first);
    const field = rest.length && /^\d+$/.test(rest[0]!) ? `${label} ${Number(rest[0]) + 1}` : [label, ...rest].join('.');
    return `${field}: ${issue.message}`;
  });
}
