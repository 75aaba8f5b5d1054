// The factors this deployment offers, by id. Adding a method: its folder, one line here,
// and its templates under views/factors/<id>/.
import type { MethodId } from '../policy/types.js';
import type { CredentialStore } from '../store/types.js';
import { totpFactor } from './totp/index.js';
import type { Factor } from './types.js';

export interface FactorRegistry {
  get(id: string): Factor | undefined;
  all(): Factor[];
  /** The implemented factors among the methods a decision allows, in the decision's order. */
  allowed(methods: readonly MethodId[]): Factor[];
}

export function createRegistry(factors: Factor[]): FactorRegistry {
  const byId = new Map(factors.map((factor) => [factor.id as string, factor]));
  return {
    get: (id) => byId.get(id),
    all: () => [...byId.values()],
    allowed: (methods) => methods.map((id) => byId.get(id)).filter((factor): factor is Factor => factor !== undefined),
  };
}

export interface FactorDeps {
  credentials: CredentialStore;
  issuerName: string;
  now: () => number;
}

export function defaultFactors(deps: FactorDeps): FactorRegistry {
  return createRegistry([totpFactor(deps)]);
}
