// Removing a method from security info: "Remove" opens a page that names the method and says
// what happens, and only its button (a POST behind CSRF and a fresh verification) removes it.
// A page rather than a script's confirm(), so it works without JavaScript.
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { FactorRegistry } from '../../src/factors/registry.js';
import { HttpError } from '../../src/http/form.js';
import type { Credential } from '../../src/store/types.js';
import { accountPaths } from './accountSession.js';
import { takeFlash } from './flash.js';
import { keepLastPhishingResistant, type MethodChangeDeps } from './methodChanges.js';

export const removePath = (id: string) => `${accountPaths.page}/methods/${id}/remove`;

export interface RemoveMethodHelpers {
  guard: Middleware;
  signedIn: Middleware;
  fresh: Middleware;
  ownCredential(ctx: Context): Promise<Credential>;
  record(ctx: Context, type: string, method?: string, reason?: string): Promise<void>;
  back(ctx: Context, notice: string): void;
  render(ctx: Context, template: string, data: Record<string, unknown>): void;
}

/** "Authenticator app (Phone)": how the page lists the method, and how the notice names it. */
export const methodLabel = (factors: FactorRegistry, credential: Credential) => factors.get(credential.method)?.describe(credential) ?? credential.method;

export function removeMethodRoutes(router: Router, deps: MethodChangeDeps, helpers: RemoveMethodHelpers) {
  const { store, factors } = deps;
  const { guard, signedIn, fresh, ownCredential, record, back, render } = helpers;
  const ownMethods = (credentials: Credential[]) => credentials.filter((credential) => !factors.get(credential.method)?.standby);

  /** Why this method cannot go now, or undefined: checked on the page and again on the POST. */
  const refusal = async (credential: Credential): Promise<string | undefined> => {
    // Without a method of their own, the next sign-in would set one up on the password alone:
    // the last one goes only when another replaces it (or an administrator resets the account).
    const own = ownMethods(await store.credentials.list(credential.accountId));
    if (!factors.get(credential.method)?.standby && own.length === 1) {
      return "This is your only way to verify it's you. Add another method first, then remove this one.";
    }
    return undefined;
  };

  router.get(`${accountPaths.page}/methods/:id/remove`, signedIn, fresh, async (ctx) => {
    const credential = await ownCredential(ctx);
    await keepLastPhishingResistant(deps, credential);
    const refused = await refusal(credential);
    if (refused) throw new HttpError(400, refused);
    render(ctx, 'settings-remove.njk', { id: credential.id, label: methodLabel(factors, credential), isDefault: credential.isDefault, notice: takeFlash(ctx) });
  });

  router.post(`${accountPaths.page}/methods/:id/remove`, guard, signedIn, fresh, async (ctx) => {
    const credential = await ownCredential(ctx);
    await keepLastPhishingResistant(deps, credential);
    const refused = await refusal(credential);
    if (refused) throw new HttpError(400, refused);
    await store.credentials.remove(credential.accountId, credential.id);
    await record(ctx, 'method.remove', credential.method);
    back(ctx, `${methodLabel(factors, credential)} was removed. It no longer signs you in.`);
  });
}
