// Reads options from overrides, the environment and an optional YAML file (TWOFOLD_CONFIG),
// in that order of precedence, and reports every problem at once.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { resolvePushConfig } from '../factors/push/config.js';
import { resolvePhoneConfig } from '../phone/config.js';
import { ConfigError } from './configError.js';
import { type Config, type OptionName, type OptionSpec, optionSpecs } from './schema.js';

export { ConfigError } from './configError.js';

export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  /** Values set by code (tests, the plugin's host); they win over everything else. */
  overrides?: Partial<Record<OptionName, unknown>>;
}

const optionNames = Object.keys(optionSpecs) as OptionName[];

function readConfigFile(path: string, problems: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    problems.push(`config file '${path}' (TWOFOLD_CONFIG) cannot be read: ${(error as NodeJS.ErrnoException).code ?? error}`);
    return {};
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    problems.push(`config file '${path}'${where}: ${(error as Error).message.split('\n')[0]}`);
    return {};
  }
  if (document == null) return {};
  if (typeof document !== 'object' || Array.isArray(document)) {
    problems.push(`config file '${path}' must be a mapping of option names to values`);
    return {};
  }
  for (const key of Object.keys(document)) {
    if (!optionNames.includes(key as OptionName)) {
      problems.push(`config file '${path}': unknown option '${key}' (known options: ${optionNames.join(', ')})`);
    }
  }
  return document as Record<string, unknown>;
}

function show(spec: OptionSpec<unknown>, raw: unknown): string {
  if (spec.secret) return '(hidden)';
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return `'${text.length > 80 ? `${text.slice(0, 77)}...` : text}'`;
}

/** Resolves the configuration; `problems` lists everything wrong, in option order. */
export function resolveConfig({ env = process.env, overrides = {} }: ConfigSources = {}): { config: Config; problems: string[] } {
  const problems: string[] = [];
  const file = env.TWOFOLD_CONFIG ? readConfigFile(env.TWOFOLD_CONFIG, problems) : {};
  const values: Record<string, unknown> = {};
  const invalid = new Set<OptionName>();

  for (const name of optionNames) {
    const spec = optionSpecs[name] as OptionSpec<unknown>;
    const [raw, source] =
      overrides[name] !== undefined ? [overrides[name], `option '${name}'`]
      : env[spec.env] !== undefined && env[spec.env] !== '' ? [env[spec.env], spec.env]
      : file[name] !== undefined ? [file[name], `option '${name}' in ${env.TWOFOLD_CONFIG}`]
      : [undefined, ''];
    if (raw === undefined) {
      values[name] = spec.default;
      continue;
    }
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else {
      invalid.add(name);
      problems.push(`${source === spec.env ? `${spec.env} (option '${name}')` : source} must be ${spec.expects} but is ${show(spec, raw)}`);
    }
  }

  const config = values as unknown as Config;
  const production = config.nodeEnv === 'production';
  config.demo ??= !production;
  config.logFormat ??= production ? 'json' : 'text';
  config.workers ??= production ? availableParallelism() : 1;
  problems.push(...resolvePhoneConfig(config, invalid));
  problems.push(...resolvePushConfig(config, invalid));

  if (production) {
    if (!config.issuer && !invalid.has('issuer')) {
      problems.push("TWOFOLD_ISSUER (option 'issuer') must be set in production: the https URL relying parties use");
    } else if (config.issuer?.startsWith('http:') && !config.allowInsecureIssuer) {
      problems.push(`TWOFOLD_ISSUER must be an https URL in production but is '${config.issuer}' (set TWOFOLD_ALLOW_INSECURE_ISSUER=true only on a closed test network)`);
    }
    if (config.demo) problems.push('TWOFOLD_DEMO must be false in production: the demo account has a published password');
  }
  // Keys generated per data folder would differ per node: with a shared store they are shared configuration.
  if (production || config.mongodbUri) {
    const required: [OptionName, string][] = [
      ['cookieKeys', 'two or more random strings, e.g. `twofold keys generate`'],
      ['signingKeysFile', 'a JWKS file, e.g. from `twofold keys generate`'],
      ['encryptionKey', '32 random bytes in base64, e.g. from `twofold keys generate`'],
    ];
    for (const [name, hint] of required) {
      if (values[name] === undefined && !invalid.has(name)) {
        problems.push(`${optionSpecs[name].env} (option '${name}') must be set ${production ? 'in production' : 'with MONGODB_URI (every node needs the same keys)'}: ${hint}`);
      }
    }
  }
  return { config, problems };
}

export function loadConfig(sources: ConfigSources = {}): Config {
  const { config, problems } = resolveConfig(sources);
  if (problems.length) throw new ConfigError(problems);
  return config;
}
