// Changes to one method on the security-info page beyond default and remove: renaming it, and
// the rule that keeps the last phishing-resistant method while the policy can ask for one.
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import type { FactorRegistry } from '../../src/factors/registry.js';
import { HttpError } from '../../src/http/form.js';
import { demandsPhishingResistance } from '../../src/policy/demandsPhishingResistance.js';
import type { PolicySource } from '../../src/policy/source.js';
import type { Credential, Store } from '../../src/store/types.js';
import { accountPaths } from './accountSession.js';

export interface MethodChangeDeps {
  store: Store;
  factors: FactorRegistry;
  /** The sign-in policy; without it (a host that passes none) nothing is kept back. */
  policies?: PolicySource;
}

/** What securityInfo.ts already has for its own routes. */
export interface MethodChangeHelpers {
  guard: Middleware;
  signedIn: Middleware;
  ownCredential(ctx: Context): Promise<Credential>;
  record(ctx: Context, type: string, method?: string, reason?: string): Promise<void>;
  back(ctx: Context, notice: string): void;
}

export const methodChangeNotices = { renamed: 'The method was renamed.' };

const renameForm = z.object({ label: z.string().trim().max(64) });

export function methodChangeRoutes(router: Router, deps: MethodChangeDeps, { guard, signedIn, ownCredential, record, back }: MethodChangeHelpers) {
  // A name is the person's own note on which key is which: no second factor needed to change it.
  router.post(`${accountPaths.page}/methods/:id/rename`, guard, signedIn, async (ctx) => {
    const parsed = renameForm.safeParse(ctx.state.form);
    if (!parsed.success) throw new HttpError(400, 'A name can be up to 64 characters. Go back and try a shorter one.');
    const credential = await ownCredential(ctx);
    if (deps.factors.get(credential.method)?.standby) throw new HttpError(400, 'Recovery codes have no name to change.');
    await deps.store.credentials.rename(credential.accountId, credential.id, parsed.data.label || null);
    await record(ctx, 'method.rename', credential.method);
    back(ctx, 'renamed');
  });
}

/**
 * Refuses to remove the person's last phishing-resistant method while a policy rule can ask
 * them for one: they would be locked out of those applications, and a stolen session could
 * quietly downgrade them. An administrator can still remove it.
 */
export async function keepLastPhishingResistant(deps: MethodChangeDeps, credential: Credential): Promise<void> {
  if (!deps.policies || !deps.factors.phishingResistant(credential.method)) return;
  const others = (await deps.store.credentials.list(credential.accountId))
    .filter((other) => other.id !== credential.id && deps.factors.phishingResistant(other.method));
  if (others.length) return;
  const account = await deps.store.accounts.findById(credential.accountId);
  if (!account || !demandsPhishingResistance(deps.policies.current(), account)) return;
  throw new HttpError(409, "This is your only security key or passkey, and some applications you use require one. Add another one first, or ask your administrator to remove it.");
}
