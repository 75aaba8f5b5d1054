// Settings of a phone method on the security-info page: change the number (proven by a text or
// call before it replaces the old one, through the same setup as adding a method), switch a
// mobile between texts and calls, set or clear the PIN calls ask for. The owner sees their
// number unmasked here, and only here. Every change is a POST behind CSRF and, like every other
// change to how the person signs in, needs a second factor from the last 10 minutes.
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { z } from 'zod';
import { phoneDataOf, setPhonePin, switchDelivery } from '../../src/factors/phoneMethods.js';
import { pinProblem } from '../../src/factors/voice/pin.js';
import { HttpError } from '../../src/http/form.js';
import { securityHeaders } from '../../src/http/securityHeaders.js';
import type { Credential } from '../../src/store/types.js';
import { formGuard, pageErrors } from '../guards.js';
import { type AccountSession, accountClientId, accountPaths, verifiedReturn } from './accountSession.js';
import { redirectWithNotice, takeFlash } from './flash.js';
import type { SettingsDeps } from './securityInfo.js';

const phoneMethods = new Set(['sms', 'voice']);
const pagePath = (id: string) => `${accountPaths.page}/phone/${id}`;

const notices: Record<string, string> = {
  switched: 'Done: sign-ins now use this phone the new way.',
  pin: 'Your PIN is set. Calls to this phone will ask for it.',
  'pin-removed': 'Your PIN is removed. Calls to this phone ask you to press #.',
};

const pinForm = z.object({ pin: z.string().max(64), confirm: z.string().max(64) }).loose();

export function phoneSettingsRoutes(deps: SettingsDeps): Router {
  const { store, sessions, factors, audit } = deps;
  const router = new Router({ prefix: `${accountPaths.page}/phone/:id` });
  const guard = formGuard(deps);
  router.use(securityHeaders, pageErrors(deps));

  const person = (ctx: Context) => ctx.state.account as AccountSession;
  /** Signed in, with a second factor from the last 10 minutes (a phone method means they have one). */
  const signedInAndFresh = async (ctx: Context, next: Next) => {
    const session = await sessions.current(ctx);
    const account = session && (await store.accounts.findById(session.sub));
    if (!session || !account || account.disabled) return sessions.signIn(ctx, ctx.method === 'GET' ? ctx.originalUrl : accountPaths.page);
    if (!sessions.isFresh(session, 'mfa')) return sessions.signIn(ctx, verifiedReturn(), 'mfa');
    ctx.state.account = session;
    return next();
  };
  const ownPhone = async (ctx: Context): Promise<Credential> => {
    const credential = (await store.credentials.list(person(ctx).sub)).find((c) => c.id === ctx.params.id && phoneMethods.has(c.method));
    if (!credential) throw new HttpError(404, 'That phone is not one of yours, or it was already removed.');
    return credential;
  };
  const record = (ctx: Context, type: string, method: string, reason: string) => audit.record({
    type, result: 'ok', method, reason, accountId: person(ctx).sub, username: person(ctx).username, clientId: accountClientId, ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined,
  });
  const back = (ctx: Context, id: string, notice: string) => redirectWithNotice(ctx, pagePath(id), notices[notice]!);

  async function renderPage(ctx: Context, credential: Credential, error?: string) {
    const factor = factors.get(credential.method);
    const data = phoneDataOf(credential);
    ctx.type = 'html';
    ctx.body = deps.views.render('settings-phone.njk', {
      csrf: deps.csrf.token(ctx),
      username: person(ctx).username,
      id: credential.id,
      method: credential.method,
      label: factor?.describe(credential) ?? credential.method,
      kind: data.kind,
      hasPin: Boolean(data.pinHash),
      factor: credential.method,
      form: factor?.enroll?.form?.(),
      // The owner, while editing, sees the number itself; everywhere else it is masked.
      values: { [`${credential.method}Number`]: credential.secret ?? '', voiceExtension: data.extension ?? '', replaces: credential.id, voiceKind: data.kind },
      error,
      notice: takeFlash(ctx),
    });
  }

  router.get('/', signedInAndFresh, async (ctx) => renderPage(ctx, await ownPhone(ctx)));

  router.post('/switch', guard, signedInAndFresh, async (ctx) => {
    const credential = await ownPhone(ctx);
    const switched = await switchDelivery(store.credentials, credential);
    if (!switched) throw new HttpError(400, 'An office phone takes calls only.');
    await record(ctx, 'method.change', switched.method, `switched from ${credential.method} to ${switched.method}`);
    back(ctx, switched.id, 'switched');
  });

  router.post('/pin', guard, signedInAndFresh, async (ctx) => {
    const credential = await ownPhone(ctx);
    const parsed = pinForm.safeParse(ctx.state.form);
    if (!parsed.success) throw new HttpError(400, 'The form was not complete. Go back and try again.');
    const pin = parsed.data.pin.trim();
    const problem = pinProblem(pin) ?? (pin !== parsed.data.confirm.trim() ? 'The two PINs are not the same.' : undefined);
    if (problem) {
      ctx.status = 400;
      return renderPage(ctx, credential, problem);
    }
    if (!(await setPhonePin(store.credentials, credential, pin, deps.now()))) throw new HttpError(409, 'That phone changed meanwhile. Open it again and retry.');
    await record(ctx, 'method.change', credential.method, 'PIN set');
    back(ctx, credential.id, 'pin');
  });

  router.post('/pin/remove', guard, signedInAndFresh, async (ctx) => {
    const credential = await ownPhone(ctx);
    if (!(await setPhonePin(store.credentials, credential, null, deps.now()))) throw new HttpError(409, 'That phone changed meanwhile. Open it again and retry.');
    await record(ctx, 'method.change', credential.method, 'PIN removed');
    back(ctx, credential.id, 'pin-removed');
  });
  return router;
}
