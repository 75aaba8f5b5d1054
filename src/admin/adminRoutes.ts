// Mounts the admin console (/admin) and the admin API (/admin/api) with what they share.
import type Provider from 'oidc-provider';
import type { Config } from '../config/schema.js';
import type { Csrf } from '../http/csrf.js';
import type { Views } from '../http/views.js';
import type { Logger } from '../log.js';
import type { Twofold } from '../plugin.js';
import type { Store } from '../store/types.js';
import type { AdminDeps } from './adminDeps.js';
import { adminSessions } from './adminSession.js';
import { adminApiRoutes } from './apiRoutes.js';
import { consoleRoutes } from './consoleRoutes.js';

export interface AdminRoutesOptions {
  config: Config;
  issuer: string;
  provider: Provider;
  twofold: Twofold;
  views: Views;
  csrf: Csrf;
  log: Logger;
  store: Store;
}

export function adminRoutes({ config, issuer, provider, twofold, views, csrf, log, store }: AdminRoutesOptions) {
  const { mfa } = twofold;
  const admin: AdminDeps = {
    store, audit: twofold.audit, factors: twofold.factors, regulator: mfa.deps.regulator, fraud: mfa.deps.fraud!, bypasses: mfa.bypasses, now: mfa.deps.now,
  };
  const sessions = adminSessions(issuer, { challenges: store.challenges, providerSessions: provider.Session, now: mfa.deps.now });
  const api = adminApiRoutes({ admin, provider, issuer, acr: twofold.acr, adminGroup: config.adminGroup, serviceClients: config.adminApiClients ?? [], log, policies: mfa.deps.policies });
  const pages = consoleRoutes({ admin, sessions, views, csrf, log, acr: twofold.acr, adminGroup: config.adminGroup, policies: mfa.deps.policies, policyDir: config.policies });
  // The API first: its paths are under /admin too.
  return [api.routes(), api.allowedMethods(), pages.routes()];
}
