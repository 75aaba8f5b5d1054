// The README's configuration table, generated from the schema so the two cannot drift.
import { formatDuration } from '../duration.js';
import { type OptionSpec, optionSpecs } from './schema.js';

const durationOptions = new Set(['sessionTtl', 'lockoutDuration', 'networkFailureWindow', 'shutdownDrain', 'shutdownGrace', 'keepAlive']);

export function configTable(): string {
  const rows = Object.entries(optionSpecs).map(([name, spec]) => {
    const { env, description, default: value } = spec as OptionSpec<unknown>;
    const shown = value === undefined ? '—' : durationOptions.has(name) ? formatDuration(value as number) : String(value);
    return `| \`${env}\` | \`${name}\` | ${shown === '—' ? shown : `\`${shown}\``} | ${description} |`;
  });
  return ['| Variable | File key | Default | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}
