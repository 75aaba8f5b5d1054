// The `mfa` prompt: after login, before consent. It fires for every client whose policy the
// session does not meet, so a sign-in abandoned at the second factor leaves nothing that
// another client's policy would accept.
import type { KoaContextWithOIDC } from 'oidc-provider';
import { interactionPolicy } from 'oidc-provider';
import { deviceCookie } from '../mfa/rememberedDevices.js';
import { type MfaService, requestedAcr } from '../mfa/service.js';
import type { Decision } from '../policy/types.js';

const { Prompt, Check } = interactionPolicy;

export const mfaPromptName = 'mfa';

export function mfaPrompt(service: MfaService): interactionPolicy.Prompt {
  // Both checks need the same decision; work it out once per request.
  const decisions = new WeakMap<object, Promise<Decision | undefined>>();
  const decisionFor = (ctx: KoaContextWithOIDC) => {
    let decision = decisions.get(ctx);
    if (!decision) {
      decision = (async () => {
        const { session, client, params, claims } = ctx.oidc;
        if (!session?.accountId || !client) return undefined;
        const account = await service.deps.directory.find(session.accountId);
        if (!account) return undefined;
        return service.decide(account, { clientId: client.clientId, ip: ctx.ip, acr: requestedAcr(params as Record<string, unknown>, claims) });
      })();
      decisions.set(ctx, decision);
    }
    return decision;
  };

  return new Prompt(
    { name: mfaPromptName, requestable: false },
    new Check('policy_block', 'the sign-in policy does not allow this sign-in', 'access_denied', async (ctx) =>
      (await decisionFor(ctx))?.require === 'block'),
    new Check('second_factor_required', 'the sign-in policy requires a second factor', 'interaction_required', async (ctx) => {
      const decision = await decisionFor(ctx);
      if (!decision || decision.require !== 'mfa') return false;
      const { session } = ctx.oidc;
      const satisfied = await service.satisfies({
        accountId: session!.accountId!,
        amr: session!.amr ?? [],
        acr: session!.acr,
        loginTs: session!.loginTs,
        deviceToken: ctx.cookies.get(deviceCookie, { signed: true }),
        ip: ctx.ip,
      }, decision);
      return satisfied === false;
    }),
  );
}
