// Every `twofold` command, read from its usage lines, turned into hostile invocations: each
// positional argument and each option value in turn gets every hostile value, flags get values,
// and the command line gets unknown, missing and extra arguments.
import { join } from 'node:path';
import { usage } from '../../src/cli/run.js';
import { full } from './mode.js';
import { type Payload, payloads, payloadsFor } from './payloads.js';

export interface CliCommand {
  words: string[];
  positionals: string[];
  /** Options outside brackets: the command needs them. */
  required: { name: string; value?: string }[];
  options: { name: string; value?: string }[];
}

export interface Invocation {
  command: string;
  what: string;
  argv: string[];
  stdin: string;
}

/** Commands that wait for events until interrupted: run, they would never return. */
export const notRun: Record<string, string> = {
  'authenticator listen': 'waits for sign-in requests until interrupted, so it would never return (its arguments are those of `authenticator pending`, fuzzed there)',
};

export function cliCommands(): CliCommand[] {
  const commands = new Map<string, CliCommand>();
  const shared: string[] = [];
  for (const raw of usage().slice(1)) {
    const line = raw.trim().replace(/^twofold /, '');
    const words: string[] = [];
    const tokens = line.split(/\s+/);
    while (tokens.length && /^[a-z][a-z|-]*:?$/.test(tokens[0]!)) words.push(tokens.shift()!);
    const rest = tokens.join(' ');
    const options: CliCommand['options'] = [...rest.matchAll(/--([a-z0-9-]+)(?:\s+(<[^>]+>|[A-Za-z0-9_]+(?:\|[A-Za-z0-9_]+)+))?/g)].map((m) => ({ name: m[1]!, value: m[2] }));
    // Outside brackets: positionals and the options the command cannot do without.
    let depth = 0;
    let topLevel = '';
    for (const char of rest) {
      if (char === '[') depth++;
      if (depth === 0) topLevel += char;
      if (char === ']') depth--;
    }
    topLevel = topLevel.replace(/\(.*\)/, '');
    const required = [...topLevel.matchAll(/--([a-z0-9-]+)(?:\s+(<[^>]+>))?/g)].map((m) => ({ name: m[1]!, value: m[2] }));
    const positionals = [...topLevel.replace(/--[a-z0-9-]+\s+<[^>]+>/g, '').matchAll(/<([^>]+)>/g)].map((m) => m[1]!);
    if (words.at(-1) === 'options:') {
      // "client add|update options: [...]" adds options to both commands.
      shared.push(...options.map((o) => JSON.stringify(o)));
      continue;
    }
    const name = words.join(' ');
    commands.set(name, { words, positionals, required, options });
  }
  for (const command of commands.values()) {
    if (command.words[0] === 'client' && ['add', 'update'].includes(command.words[1]!)) command.options.push(...shared.map((o) => JSON.parse(o) as CliCommand['options'][number]));
  }
  return [...commands.values()];
}

/** A plausible value for a placeholder, so the other arguments get past the parser. */
export function plainValue(placeholder: string, tmp: string): string {
  const name = placeholder.replace(/[<>]/g, '');
  if (/\|/.test(name)) return name.split('|')[0]!;
  if (/file|folder/.test(name)) return join(tmp, 'absent-file');
  if (/activation-link/.test(name)) return 'http://127.0.0.1:1/authenticator#code=12345678';
  if (/uri|url/.test(name)) return 'https://rp.example.com/callback';
  if (/^\+number$/.test(name)) return '+12015550199';
  if (/email/.test(name)) return 'someone@example.com';
  if (/^n$|number/.test(name)) return '5';
  if (/request-id/.test(name)) return '00000000-0000-4000-8000-000000000000';
  if (/address/.test(name)) return '198.51.100.7';
  if (/serial/.test(name)) return 'TOTP0002';
  if (/client_id/.test(name)) return 'fuzz-app';
  if (/username/.test(name)) return 'alice';
  if (/hex/.test(name)) return '00112233445566778899aabbccddeeff';
  return 'plain';
}

/** A hostile value in a slot: file slots keep it inside the temp folder (no writing elsewhere). */
function hostile(payload: Payload, placeholder: string, tmp: string): string {
  const text = payload.text.length > 100_000 ? payload.text.slice(0, 100_000) : payload.text;
  return /file|folder/.test(placeholder) ? join(tmp, text.replace(/\//g, '_').slice(0, 200) || 'empty') : text;
}

export function invocations(command: CliCommand, tmp: string, index: number): Invocation[] {
  const name = command.words.join(' ');
  const baseArgs = () => [
    ...command.words,
    ...command.positionals.map((p) => plainValue(p, tmp)),
    ...command.required.flatMap((o) => (o.value ? [`--${o.name}`, plainValue(o.value, tmp)] : [`--${o.name}`])),
  ];
  const list: Invocation[] = [];
  const add = (what: string, argv: string[], stdin = 'correct horse battery staple') => list.push({ command: name, what, argv, stdin });
  const count = full ? undefined : 1;
  // File names always get the two that once crashed `db export` and `db import` (a NUL byte, a
  // name too long for the file system), kept as regressions.
  const fileRegressions = (placeholder: string) => (full || !/file|folder/.test(placeholder) ? [] : payloads.filter((p) => ['nul', 'combining and emoji'].includes(p.name)));
  command.positionals.forEach((placeholder, i) => {
    for (const payload of [...payloadsFor(index * 7 + i, count), ...fileRegressions(placeholder)]) {
      const argv = baseArgs();
      argv[command.words.length + i] = hostile(payload, placeholder, tmp);
      add(`<${placeholder}>=${payload.name}`, argv);
    }
  });
  command.options.forEach((option, i) => {
    for (const payload of payloadsFor(index * 11 + i + 3, count)) {
      const argv = baseArgs().filter((_, j, all) => !(all[j] === `--${option.name}` || all[j - 1] === `--${option.name}`));
      if (option.value) add(`--${option.name} ${payload.name}`, [...argv, `--${option.name}`, hostile(payload, option.value, tmp)]);
      else add(`--${option.name}=${payload.name}`, [...argv, `--${option.name}=${hostile(payload, '', tmp)}`]);
    }
  });
  if (command.options.some((o) => o.name.endsWith('-stdin')) || command.required.some((o) => o.name.endsWith('-stdin'))) {
    const stdinOption = [...command.required, ...command.options].find((o) => o.name.endsWith('-stdin'))!;
    for (const payload of payloadsFor(index * 5, count)) add(`stdin=${payload.name}`, [...baseArgs().filter((a) => a !== `--${stdinOption.name}`), `--${stdinOption.name}`], payload.text);
  }
  const structural: [string, string[]][] = [
    ['no arguments', command.words],
    ['an extra argument', [...baseArgs(), 'extra']],
    ['an unknown option', [...baseArgs(), '--no-such-option']],
    ['an option without its value', [...baseArgs(), `--${command.options.find((o) => o.value)?.name ?? 'x'}`]],
    ['a lone dash and double dash', [...baseArgs(), '-', '--']],
    ['short options', [...command.words, '-abc', '-h']],
  ];
  for (const [what, argv] of full ? structural : [structural[index % structural.length]!]) add(what, argv);
  return list;
}
