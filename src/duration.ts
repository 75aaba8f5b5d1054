// Durations as people write them in config and policy files: "90s", "15m", "12h", "14d", or "0".
const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const pattern = /^(\d+)\s*([smhd])?$/;

/** Seconds in a duration string, or undefined when it is not one. A bare number is seconds. */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isInteger(text) && text >= 0 ? text : undefined;
  const match = pattern.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * units[match[2] ?? 's']!;
}

export function formatDuration(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
