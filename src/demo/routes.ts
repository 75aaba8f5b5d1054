// A tiny relying party inside Twofold, for trying the sign-in: it signs in through the
// provider with openid-client, exactly as an external application would.
import Router from '@koa/router';
import type { Context } from 'koa';
import * as oidc from 'openid-client';
import type { Views } from '../http/views.js';
import { securityHeaders } from '../http/securityHeaders.js';
import type { Logger } from '../log.js';
import { demoClientId, demoRedirectUri } from './seed.js';

interface FlowState {
  state: string;
  nonce: string;
  verifier: string;
}

interface DemoSession {
  claims: Record<string, unknown>;
  idToken: string;
}

const flowCookie = 'demo.flow';
const sessionCookie = 'demo.session';

function readCookie<T>(ctx: Context, name: string): T | undefined {
  const value = ctx.cookies.get(name, { signed: true });
  if (!value) return undefined;
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

function writeCookie(ctx: Context, name: string, value: unknown) {
  ctx.cookies.set(name, value === null ? null : Buffer.from(JSON.stringify(value)).toString('base64url'), {
    signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/demo',
  });
}

export function demoRoutes({ issuer, views, log }: { issuer: string; views: Views; log: Logger }): Router {
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    discovered ??= oidc
      .discovery(new URL(issuer), demoClientId, undefined, oidc.None(), issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : {})
      .catch((error) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };

  const render = (ctx: Context, data: { error?: string } = {}) => {
    const session = readCookie<DemoSession>(ctx, sessionCookie);
    ctx.type = 'html';
    ctx.body = views.render('demo.njk', {
      claims: session && Object.entries(session.claims).map(([name, value]) => ({ name, value: Array.isArray(value) ? value.join(' ') : String(value) })),
      username: session?.claims.preferred_username,
      error: data.error,
    });
  };

  const router = new Router({ prefix: '/demo' });
  router.use(securityHeaders);
  router.get('/', (ctx) => render(ctx));

  router.get('/login', async (ctx) => {
    const flow: FlowState = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier() };
    writeCookie(ctx, flowCookie, flow);
    const acrValues: Record<string, string> = typeof ctx.query.acr === 'string' && ctx.query.acr ? { acr_values: ctx.query.acr } : {};
    const url = oidc.buildAuthorizationUrl(await configuration(), {
      redirect_uri: demoRedirectUri(issuer),
      scope: 'openid profile email groups',
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      ...acrValues,
    });
    ctx.redirect(url.href);
  });

  router.get('/callback', async (ctx) => {
    const flow = readCookie<FlowState>(ctx, flowCookie);
    writeCookie(ctx, flowCookie, null);
    if (!flow) return render(ctx, { error: 'The sign-in took too long or was started in another tab. Try again.' });
    try {
      const tokens = await oidc.authorizationCodeGrant(await configuration(), new URL(ctx.originalUrl, issuer), {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
      });
      const claims = tokens.claims()!;
      const userinfo = await oidc.fetchUserInfo(await configuration(), tokens.access_token, claims.sub);
      writeCookie(ctx, sessionCookie, { claims: { ...userinfo, ...claims }, idToken: tokens.id_token });
      ctx.redirect('/demo');
    } catch (error) {
      const code = error instanceof oidc.AuthorizationResponseError ? error.error : undefined;
      if (!code) log.warn('demo sign-in failed', { error: (error as Error).message });
      ctx.status = 400;
      render(ctx, { error: code === 'access_denied' ? 'The sign-in was cancelled or denied (access_denied).' : `The sign-in did not complete${code ? ` (${code})` : ''}.` });
    }
  });

  router.get('/logout', async (ctx) => {
    const session = readCookie<DemoSession>(ctx, sessionCookie);
    writeCookie(ctx, sessionCookie, null);
    if (!session) return ctx.redirect('/demo');
    ctx.redirect(oidc.buildEndSessionUrl(await configuration(), {
      id_token_hint: session.idToken,
      post_logout_redirect_uri: new URL('/demo', issuer).href,
    }).href);
  });
  return router;
}
