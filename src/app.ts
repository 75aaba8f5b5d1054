// Composes the ready identity provider's Koa app: static files, Twofold's pages, the demo,
// and oidc-provider for every protocol endpoint.
import Koa from 'koa';
import type Provider from 'oidc-provider';
import type { Config } from './config/schema.js';
import type { KeyMaterial } from './config/keys.js';
import { demoRoutes } from './demo/routes.js';
import { createCsrf } from './http/csrf.js';
import { securityHeaders } from './http/securityHeaders.js';
import { staticFiles } from './http/staticFiles.js';
import { createViews } from './http/views.js';
import type { Logger } from './log.js';
import { publicDir } from './paths.js';
import { acrLevels } from './provider/acr.js';
import { createProvider } from './provider/createProvider.js';
import type { Store } from './store/types.js';
import { interactionRoutes } from '../interactions/router.js';

export interface AppOptions {
  config: Config;
  issuer: string;
  keys: KeyMaterial;
  store: Store;
  log: Logger;
}

export function createApp({ config, issuer, keys, store, log }: AppOptions): { app: Koa; provider: Provider } {
  const views = createViews();
  const acr = acrLevels(config.acrPhishingResistant);
  const provider = createProvider({ issuer, keys, store, views, acr, sessionTtl: config.sessionTtl, trustProxy: config.trustProxy, log });
  const csrf = createCsrf(keys.cookieKeys[0]!);

  const app = new Koa({ proxy: config.trustProxy, keys: keys.cookieKeys });
  app.on('error', (error: Error) => log.error('request failed', { error: error.message, stack: error.stack }));
  app.use(staticFiles('/public', publicDir));
  app.use(interactionRoutes({ provider, store, views, csrf, log, acr }).routes());
  if (config.demo) app.use(demoRoutes({ issuer, views, log }).routes());
  app.use(async (ctx, next) => {
    if (ctx.path !== '/' || ctx.method !== 'GET') return next();
    await securityHeaders(ctx, async () => {
      ctx.type = 'html';
      ctx.body = views.render('home.njk', { issuer, demo: config.demo });
    });
  });
  const handleProtocol = provider.callback();
  app.use(async (ctx) => {
    ctx.respond = false;
    await handleProtocol(ctx.req, ctx.res);
  });
  return { app, provider };
}
