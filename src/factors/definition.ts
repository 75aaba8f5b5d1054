// How a method joins Twofold: its id, its configuration options (validated at start with the
// rest of the configuration) and how to build it from the shared dependencies.
import type { OptionSpec } from '../config/schema.js';
import type { PhoneService } from '../phone/phoneService.js';
import type { Logger } from '../log.js';
import type { MethodId } from '../policy/types.js';
import type { ChallengeStore, CredentialStore, PushStore, TokenInventoryStore } from '../store/types.js';
import type { Factor } from './types.js';

/** What every factor may use; each takes what it needs. */
export interface FactorDeps {
  credentials: CredentialStore;
  /** The organisation's name, shown in authenticator apps, texts and calls. */
  issuerName: string;
  /** The provider's public URL, where a method is bound to the site (passkeys) and where links a
   * phone opens start (the authenticator's activation); a plugin host may leave it out and
   * configure the method instead. */
  issuer?: string;
  /** For what a factor must tell the operator at start (a method it cannot offer, and why). */
  log?: Logger;
  now: () => number;
  /** Short-lived records a factor keeps between its challenge and the answer (a text's code). */
  challenges?: ChallengeStore;
  /** Texts and calls; without it the phone methods say they are unavailable. */
  phone?: PhoneService;
  /** Told when a person proved a phone number is theirs (the ready provider marks the account's
   * phone verified); the plugin's store has no accounts, so it is optional. */
  phoneVerified?: (accountId: string, e164: string) => Promise<void>;
  /** Imported hardware tokens waiting for activation (the `oath` factor). */
  tokens?: TokenInventoryStore;
  /** The authenticator app's devices and requests (the `push` method needs them). */
  push?: PushStore;
}

export type OptionSpecs = Record<string, OptionSpec<any>>;
export type OptionValues<O extends OptionSpecs> = { [K in keyof O]: O[K] extends OptionSpec<infer T> ? T : never };

export interface FactorDefinition<O extends OptionSpecs = OptionSpecs> {
  id: MethodId;
  /** Configuration options, named `<factor><Option>` so they cannot clash with others. */
  options: O;
  create(deps: FactorDeps, config: OptionValues<O>): Factor;
}

export const defineFactor = <O extends OptionSpecs>(definition: FactorDefinition<O>) => definition;

/** The defaults of a set of options, for callers (tests, plugin hosts) that set none. */
export function optionDefaults<O extends OptionSpecs>(options: O): OptionValues<O> {
  return Object.fromEntries(Object.entries(options).map(([name, spec]) => [name, spec.default])) as OptionValues<O>;
}
