// What the interaction controllers need, passed in by the app (or the plugin's host).
import type Provider from 'oidc-provider';
import type { Csrf } from '../src/http/csrf.js';
import type { Tickets } from '../src/http/signedTicket.js';
import type { Views } from '../src/http/views.js';
import type { Logger } from '../src/log.js';
import type { MfaService } from '../src/mfa/service.js';
import type { AcrLevels } from '../src/provider/acr.js';
import type { AccountStore, MfaStore } from '../src/store/types.js';

export interface InteractionDeps {
  provider: Provider;
  store: MfaStore;
  views: Views;
  csrf: Csrf;
  /** Signed values a page carries instead of a store write (the passkey challenge). */
  tickets: Tickets;
  log: Logger;
  acr: AcrLevels;
  mfa: MfaService;
  /** Checks the person's password again before a method is set up on an older session. */
  confirmPassword?: (accountId: string, password: string) => Promise<boolean>;
}

/** The ready provider's own pages (password, consent) also read its accounts. */
export interface ProviderPageDeps extends InteractionDeps {
  accounts: AccountStore;
}
