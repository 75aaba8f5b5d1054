// What the interaction controllers need, passed in by the app (or the plugin's host).
import type Provider from 'oidc-provider';
import type { Csrf } from '../src/http/csrf.js';
import type { Views } from '../src/http/views.js';
import type { Logger } from '../src/log.js';
import type { AcrLevels } from '../src/provider/acr.js';
import type { Store } from '../src/store/types.js';

export interface InteractionDeps {
  provider: Provider;
  store: Store;
  views: Views;
  csrf: Csrf;
  log: Logger;
  acr: AcrLevels;
}
