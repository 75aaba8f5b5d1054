// The factors this deployment offers, by id. Adding a method: its folder under src/factors/,
// its templates under views/factors/<id>/ (and any script under public/factors/<id>/), and
// one line in `factorDefinitions` below.
import type { MethodId } from '../policy/types.js';
import { type FactorDeps, type OptionValues, optionDefaults } from './definition.js';
import { oathDefinition } from './oath/index.js';
import { pushDefinition } from './push/index.js';
import { recoveryDefinition } from './recovery/index.js';
import { smsDefinition } from './sms/index.js';
import { totpDefinition } from './totp/index.js';
import { webauthnDefinition } from './webauthn/index.js';
import type { Factor } from './types.js';
import { voiceDefinition } from './voice/index.js';

export const factorDefinitions = {
  totp: totpDefinition,
  oath: oathDefinition,
  webauthn: webauthnDefinition,
  recovery: recoveryDefinition,
  sms: smsDefinition,
  voice: voiceDefinition,
  push: pushDefinition,
};

type Definitions = typeof factorDefinitions;
type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;
type AllOptions = UnionToIntersection<Definitions[keyof Definitions]['options']>;

/** Every factor's configuration options, merged into the configuration schema. */
export const factorOptions = Object.assign({}, ...Object.values(factorDefinitions).map((definition) => definition.options)) as AllOptions;
export type FactorConfig = OptionValues<AllOptions>;

export interface FactorRegistry {
  get(id: string): Factor | undefined;
  all(): Factor[];
  /** The implemented factors among the methods a decision allows, in the decision's order. */
  allowed(methods: readonly MethodId[]): Factor[];
  /** Whether a method resists phishing (the policy engine asks, through the decision's strength). */
  phishingResistant(id: string): boolean;
}

export function createRegistry(factors: Factor[]): FactorRegistry {
  const byId = new Map(factors.map((factor) => [factor.id as string, factor]));
  return {
    get: (id) => byId.get(id),
    all: () => [...byId.values()],
    allowed: (methods) => methods.map((id) => byId.get(id)).filter((factor): factor is Factor => factor !== undefined),
    phishingResistant: (id) => byId.get(id)?.phishingResistant ?? false,
  };
}

/** Every factor in the catalogue, built with its configuration (defaults for what is not given). */
export function createFactors(deps: FactorDeps, config: Partial<FactorConfig> = {}): FactorRegistry {
  const values = { ...optionDefaults(factorOptions), ...config } as FactorConfig;
  return createRegistry(Object.values(factorDefinitions).map((definition) => definition.create(deps, values as never)));
}
