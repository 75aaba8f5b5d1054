// Composes the ready identity provider's Koa app: static files, Twofold's pages (sign-in,
// second factor, consent), the demo, and oidc-provider for every protocol endpoint.
import Koa from 'koa';
import type Provider from 'oidc-provider';
import { checkPassword } from './accounts/checkPassword.js';
import { adminRoutes } from './admin/adminRoutes.js';
import { adminClientMetadata } from './admin/adminSession.js';
import { devOutboxRoutes } from './notifications/devOutboxRoutes.js';
import { securityNotifications } from './notifications/securityNotifications.js';
import { createAudit } from './audit/audit.js';
import type { Config } from './config/schema.js';
import type { KeyMaterial } from './config/keys.js';
import { demoRoutes } from './demo/routes.js';
import { isClientFault } from './http/clientGone.js';
import { createCsrf } from './http/csrf.js';
import { notFoundPage } from './http/notFoundPage.js';
import { originFormTarget, pinOrigin } from './http/pinOrigin.js';
import { securityHeaders } from './http/securityHeaders.js';
import { staticFiles } from './http/staticFiles.js';
import { createViews } from './http/views.js';
import type { Logger } from './log.js';
import { countPhoneSends } from './ops/countPhoneSends.js';
import { httpMetrics } from './ops/httpMetrics.js';
import type { Metrics } from './ops/metrics.js';
import { type MetricsAccess, opsRoutes, type ReadyAnswer } from './ops/opsRoutes.js';
import { countSignIns } from './ops/providerMetrics.js';
import { requestContext } from './ops/requestContext.js';
import { storeDirectory } from './mfa/accountDirectory.js';
import { publicDir } from './paths.js';
import { createPhone, type Phone } from './phone/createPhone.js';
import { createTwofold, type Twofold } from './plugin.js';
import type { PolicySource } from './policy/source.js';
import { acrLevels } from './provider/acr.js';
import { createProvider } from './provider/createProvider.js';
import { registerPasswordGrant } from './provider/passwordGrant.js';
import { auditRefreshFailures, refreshCheck } from './provider/refreshCheck.js';
import { regulationRulesFrom } from './regulation/regulator.js';
import type { Store } from './store/types.js';
import { interactionRoutes } from '../interactions/router.js';
import { twofoldRoutes } from '../interactions/mfaRoutes.js';
import { accountClientMetadata, accountSessions } from '../interactions/settings/accountSession.js';
import { phoneSettingsRoutes } from '../interactions/settings/phone.js';
import { appPasswordRoutes } from '../interactions/settings/appPasswords.js';
import { settingsRoutes } from '../interactions/settings/securityInfo.js';

export interface AppOptions {
  config: Config;
  issuer: string;
  keys: KeyMaterial;
  store: Store;
  policies: PolicySource;
  log: Logger;
  now?: () => number;
  /** Health, readiness and metrics (src/ops/). */
  ops: { metrics: Metrics; metricsAccess: MetricsAccess; ready(): Promise<ReadyAnswer> };
}

export function createApp({ config, issuer, keys, store: storeGiven, policies, log, now, ops }: AppOptions): { app: Koa; provider: Provider; twofold: Twofold; phone: Phone } {
  const views = createViews();
  const acr = acrLevels(config.acrPhishingResistant);
  const clock = now ?? Date.now;
  // Security changes recorded in the audit log are mailed to the person (or to /dev/outbox).
  const { store, outbox } = securityNotifications({ config, store: storeGiven, log, now: clock });
  // Texts and calls, built first because the phone methods use them: the development phone at
  // /dev/phone (never in production), or Twilio's callbacks.
  const phone = createPhone({
    config, store, encryptionKey: keys.encryptionKey, audit: createAudit(store.audit, log, clock), views, csrf: createCsrf(keys.cookieKeys[0]!), log, now: clock,
  });
  const twofold = createTwofold({
    store, policies, views, log, acr, now,
    directory: storeDirectory(store.accounts),
    cookieKeys: keys.cookieKeys,
    issuerName: config.displayName,
    issuer,
    factors: config,
    sessionTtl: config.sessionTtl,
    regulation: regulationRulesFrom(config),
    async confirmPassword(accountId, password) {
      return (await checkPassword(store.accounts, await store.accounts.findById(accountId), password)).ok;
    },
    phone: countPhoneSends(phone.service, ops.metrics),
    fraudBlock: config.fraudBlock,
    // A number proven by a text or call is the account's verified phone, unless it has another.
    async phoneVerified(accountId, e164) {
      const account = await store.accounts.findById(accountId);
      if (account && (!account.phone || account.phone.replace(/[^\d+]/g, '') === e164)) await store.accounts.updateProfile(accountId, { phone: e164, phoneVerified: true });
    },
  });
  const provider = createProvider({
    issuer, keys, store, views, acr, log,
    staticClients: [accountClientMetadata(issuer), adminClientMetadata(issuer)],
    sessionTtl: config.sessionTtl,
    trustProxy: config.trustProxy,
    proxyHops: config.proxyHops,
    policy: twofold.interactionPolicy(),
    refreshCheck: refreshCheck({ mfa: twofold.mfa, audit: twofold.audit }),
  });
  auditRefreshFailures(provider, twofold.audit);
  countSignIns(provider, ops.metrics);
  registerPasswordGrant(provider, { store, mfa: twofold.mfa, audit: twofold.audit, acr });
  const deps = twofold.interactionDeps(provider);

  const app = new Koa({ proxy: config.trustProxy, maxIpsCount: config.proxyHops, keys: keys.cookieKeys });
  app.on('error', (error: Error, ctx?: Koa.Context) => {
    // A client hanging up or sending garbage is its business, not a fault here.
    if (isClientFault(error, ctx?.req)) return log.debug('client disconnected or sent a malformed request', { path: ctx?.path, error: error.message });
    log.error('request failed', { error: error.message, stack: error.stack });
  });
  // URLs come from the issuer alone, whatever Host or X-Forwarded-Host says (see pinOrigin.ts).
  pinOrigin(app, issuer);
  pinOrigin(provider, issuer);
  // Every log line of a request carries its id.
  app.use(requestContext);
  app.use(originFormTarget);
  // Every response, oidc-provider's included, carries the same security headers.
  app.use(securityHeaders);
  app.use(httpMetrics(ops.metrics));
  app.use(opsRoutes(ops.ready, ops.metricsAccess));
  app.use(staticFiles('/public', publicDir));
  app.use(twofoldRoutes(deps).routes());
  app.use(interactionRoutes({ ...deps, accounts: store.accounts }).routes());
  const settings = {
    store, views, log, csrf: deps.csrf, factors: twofold.factors, audit: twofold.audit, regulator: twofold.mfa.deps.regulator, fraud: twofold.mfa.deps.fraud, policies,
    sessions: accountSessions(issuer, acr.mfa, { challenges: store.challenges, providerSessions: provider.Session, now: twofold.mfa.deps.now }), now: twofold.mfa.deps.now,
  };
  app.use(settingsRoutes(settings).routes());
  app.use(phoneSettingsRoutes(settings).routes());
  app.use(appPasswordRoutes(settings).routes());
  for (const routes of adminRoutes({ config, issuer, provider, twofold, views, csrf: deps.csrf, log, store })) app.use(routes);
  if (config.demo) app.use(demoRoutes({ issuer, views, log }).routes());
  app.use(phone.routes);
  if (outbox) app.use(devOutboxRoutes({ outbox, views }).routes());
  app.use(async (ctx, next) => {
    if (ctx.path !== '/' || ctx.method !== 'GET') return next();
    ctx.type = 'html';
    ctx.body = views.render('home.njk', { issuer, demo: config.demo });
  });
  // Runs after oidc-provider's routes: what none of them (nor Twofold's) answers gets the 404 page.
  provider.use(notFoundPage(views));
  const handleProtocol = provider.callback();
  app.use(async (ctx) => {
    ctx.respond = false;
    await handleProtocol(ctx.req, ctx.res);
  });
  return { app, provider, twofold, phone };
}
