// The second-factor pages, all under /interaction/:uid/mfa so that the interaction cookie,
// scoped to that path when a plugin host sends the `mfa` prompt there, reaches every one.
import Router from '@koa/router';
import { securityHeaders } from '../src/http/securityHeaders.js';
import type { InteractionDeps } from './deps.js';
import { addAnotherMethod, beginEnrollment, confirmPassword, finishEnrollment, showEnrollment, showSetup, skipEnrollment } from './enroll.js';
import { formGuard, pageErrors } from './guards.js';
import { startOver } from './startOver.js';
import {
  abortSignIn, challengeStatus, chooseOption, continueAfterDone, resendChallenge, showDone, showOptions, showSecondFactor, verifySecondFactor,
} from './secondFactor.js';

export function mfaRoutes(deps: InteractionDeps): Router {
  const router = new Router({ prefix: '/interaction/:uid/mfa' });
  const guard = formGuard(deps);
  router.use(securityHeaders, pageErrors(deps));
  router.get('/', (ctx) => showSecondFactor(ctx, deps));
  router.post('/verify', guard, (ctx) => verifySecondFactor(ctx, deps));
  router.post('/resend', guard, (ctx) => resendChallenge(ctx, deps));
  router.get('/status', (ctx) => challengeStatus(ctx, deps));
  router.get('/done', (ctx) => showDone(ctx, deps));
  router.post('/done', guard, (ctx) => continueAfterDone(ctx, deps));
  router.get('/options', (ctx) => showOptions(ctx, deps));
  router.post('/choose', guard, (ctx) => chooseOption(ctx, deps));
  router.get('/enroll', (ctx) => showEnrollment(ctx, deps));
  router.post('/enroll/begin', guard, (ctx) => beginEnrollment(ctx, deps));
  router.get('/enroll/setup', (ctx) => showSetup(ctx, deps));
  router.post('/enroll/finish', guard, (ctx) => finishEnrollment(ctx, deps));
  router.post('/enroll/skip', guard, (ctx) => skipEnrollment(ctx, deps));
  router.post('/enroll/another', guard, (ctx) => addAnotherMethod(ctx, deps));
  router.post('/password', guard, (ctx) => confirmPassword(ctx, deps));
  router.post('/abort', guard, (ctx) => abortSignIn(ctx, deps));
  router.post('/start-over', guard, (ctx) => startOver(ctx, deps));
  return router;
}

/** The sign-in pages and every factor's own endpoints (a device's answer, a telephony callback). */
export function twofoldRoutes(deps: InteractionDeps): Router {
  const root = new Router();
  root.use(mfaRoutes(deps).routes());
  for (const factor of deps.mfa.deps.factors.all()) {
    const own = factor.routes?.();
    if (own) root.use(own.routes());
  }
  return root;
}
