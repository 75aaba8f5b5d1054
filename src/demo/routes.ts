// A tiny relying party inside Twofold, for trying the sign-in as an application would.
import Router from '@koa/router';
import type { Context } from 'koa';
import * as oidc from 'openid-client';
import { readJsonCookie, writeJsonCookie } from '../http/jsonCookie.js';
import type { Views } from '../http/views.js';
import type { Logger } from '../log.js';
import { builtInRelyingParty } from '../rp/builtInRelyingParty.js';
import { demoClientId } from './seed.js';

interface DemoSession {
  claims: Record<string, unknown>;
  idToken: string;
}

const sessionCookie = 'demo.session';
const cookiePath = '/demo';

export function demoRoutes({ issuer, views, log }: { issuer: string; views: Views; log: Logger }): Router {
  const rp = builtInRelyingParty({ issuer, clientId: demoClientId, callbackPath: '/demo/callback', cookiePath, flowCookie: 'demo.flow' });

  const render = (ctx: Context, data: { error?: string } = {}) => {
    const session = readJsonCookie<DemoSession>(ctx, sessionCookie);
    ctx.type = 'html';
    ctx.body = views.render('demo.njk', {
      claims: session && Object.entries(session.claims).map(([name, value]) => ({ name, value: Array.isArray(value) ? value.join(' ') : String(value) })),
      username: session?.claims.preferred_username,
      error: data.error,
    });
  };

  const router = new Router({ prefix: '/demo' });
  router.get('/', (ctx) => render(ctx));

  router.get('/login', async (ctx) => {
    const acr = typeof ctx.query.acr === 'string' && ctx.query.acr ? { acr_values: ctx.query.acr } : undefined;
    await rp.begin(ctx, { scope: 'openid profile email groups', ...acr });
  });

  router.get('/callback', async (ctx) => {
    try {
      const signedIn = await rp.complete(ctx);
      if (!signedIn) return render(ctx, { error: 'The sign-in took too long or was started in another tab. Try again.' });
      writeJsonCookie(ctx, sessionCookie, { claims: { ...signedIn.userinfo, ...signedIn.claims }, idToken: signedIn.idToken }, { path: cookiePath });
      ctx.redirect('/demo');
    } catch (error) {
      const code = error instanceof oidc.AuthorizationResponseError ? error.error : undefined;
      if (!code) log.warn('demo sign-in failed', { error: (error as Error).message });
      ctx.status = 400;
      render(ctx, { error: code === 'access_denied' ? 'The sign-in was cancelled or denied (access_denied).' : `The sign-in did not complete${code ? ` (${code})` : ''}.` });
    }
  });

  router.get('/logout', async (ctx) => {
    const session = readJsonCookie<DemoSession>(ctx, sessionCookie);
    writeJsonCookie(ctx, sessionCookie, null, { path: cookiePath });
    // Signing out lands on "You have signed out", not on the demo's "Sign in" again.
    ctx.redirect(session ? await rp.endSessionUrl(session.idToken) : '/demo');
  });
  return router;
}
