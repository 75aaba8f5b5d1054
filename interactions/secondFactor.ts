// The second-factor step: challenge with the default (or chosen) method, verify, and
// "Use a different verification option".
import type { Context } from 'koa';
import { z } from 'zod';
import { HttpError } from '../src/http/form.js';
import { deviceCookie } from '../src/mfa/rememberedDevices.js';
import type { UsableMethod } from '../src/mfa/service.js';
import { signInStates } from '../src/mfa/signInState.js';
import type { Decision } from '../src/policy/types.js';
import type { InteractionDeps } from './deps.js';
import { finishInteraction, loadInteraction } from './interaction.js';
import { mfaMessages, refusalMessage, refusalReason } from './messages.js';
import { renderPage } from './pages.js';
import { auditFields, finishSignIn, requestFacts, settledByPolicy } from './signIn.js';
import { loadSignIn, type SignInContext } from './signInContext.js';

/** "7 days", "1 day", "12 hours": how long "don't ask again" lasts, or undefined where it is not offered. */
function rememberPeriod(decision: Decision): string | undefined {
  if (decision.remember <= 0 || decision.floor || decision.strength !== 'any') return undefined;
  const [count, unit] = decision.remember % 86400 === 0 ? [decision.remember / 86400, 'day'] : [Math.max(1, Math.round(decision.remember / 3600)), 'hour'];
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** The usable methods, or the page this sign-in must go to instead. */
async function methodsOrRedirect(ctx: Context, deps: InteractionDeps, signIn: SignInContext): Promise<UsableMethod[] | undefined> {
  if (await settledByPolicy(ctx, deps, signIn)) return undefined;
  const { interaction, state, decision } = signIn;
  const usable = await deps.mfa.usableMethods(state.accountId, decision);
  if (usable.length === 0) {
    ctx.status = 303;
    ctx.redirect(`/interaction/${interaction.uid}/mfa/enroll`);
    return undefined;
  }
  return usable;
}

async function renderChallenge(ctx: Context, deps: InteractionDeps, signIn: SignInContext, usable: UsableMethod[], error?: string) {
  const chosen = usable.find((method) => method.credential.id === signIn.state.credentialId) ?? usable[0]!;
  const { view } = await chosen.factor.challenge(signIn.account, chosen.credential);
  await renderPage(ctx, deps, signIn.interaction, 'mfa.njk', {
    ...view,
    factor: chosen.factor.id,
    methodTitle: chosen.factor.title,
    method: chosen.factor.describe(chosen.credential),
    credentialId: chosen.credential.id,
    rememberFor: rememberPeriod(signIn.decision),
    error,
  });
}

export async function showSecondFactor(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  const usable = await methodsOrRedirect(ctx, deps, signIn);
  if (usable) await renderChallenge(ctx, deps, signIn, usable);
}

const verifyForm = z.object({ credential: z.string().max(64).optional(), remember: z.literal('yes').optional() }).loose();

export async function verifySecondFactor(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  const usable = await methodsOrRedirect(ctx, deps, signIn);
  if (!usable) return;
  const { interaction, state, account, decision } = signIn;
  const form = ctx.state.form as Record<string, string>;
  const parsed = verifyForm.safeParse(form);
  if (!parsed.success) throw new HttpError(400, 'The form was not complete. Go back and try again.');
  const chosen = usable.find((method) => method.credential.id === parsed.data.credential) ?? usable[0]!;
  const { regulator, audit, now } = deps.mfa.deps;
  const fields = { ...auditFields(ctx, interaction, account), rule: decision.rule, method: chosen.factor.id };

  const attempt = await regulator.begin('mfa', account.id, ctx.ip);
  if (attempt.refusal) {
    await audit.record({ type: 'mfa.verify', result: 'fail', reason: refusalReason(attempt.refusal), ...fields });
    ctx.status = 429;
    return renderChallenge(ctx, deps, signIn, usable, refusalMessage(attempt.refusal, now()));
  }
  // Any of the person's credentials of the chosen kind will do: people keep an app on two phones.
  const sameKind = usable.filter((method) => method.factor.id === chosen.factor.id).map((method) => method.credential);
  const result = await chosen.factor.verify(account, [chosen.credential, ...sameKind.filter((c) => c.id !== chosen.credential.id)], form);
  if (!result.ok) {
    await attempt.failed();
    await audit.record({ type: 'mfa.verify', result: 'fail', reason: result.reason, ...fields });
    ctx.status = 401;
    return renderChallenge(ctx, deps, signIn, usable, mfaMessages.failed);
  }
  await attempt.succeeded();
  await audit.record({ type: 'mfa.verify', result: 'ok', ...fields });
  if (parsed.data.remember && rememberPeriod(decision)) {
    const { token } = await deps.mfa.devices.remember(account.id, chosen.factor.id, decision.remember, ctx.get('user-agent'));
    ctx.cookies.set(deviceCookie, token, { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', maxAge: decision.remember * 1000 });
    await audit.record({ type: 'device.remember', result: 'ok', reason: `for ${rememberPeriod(decision)}`, ...fields });
  }
  await finishSignIn(ctx, deps, interaction, state, { amr: chosen.factor.amr, phishingResistant: chosen.factor.phishingResistant });
}

export async function showOptions(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  const usable = await methodsOrRedirect(ctx, deps, signIn);
  if (!usable) return;
  await renderPage(ctx, deps, signIn.interaction, 'mfa-options.njk', {
    methods: usable.map(({ credential, factor }) => ({ id: credential.id, label: factor.describe(credential), isDefault: credential.isDefault })),
  });
}

export async function chooseOption(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  const usable = await methodsOrRedirect(ctx, deps, signIn);
  if (!usable) return;
  const credentialId = (ctx.state.form as Record<string, string>).credential;
  if (!usable.some((method) => method.credential.id === credentialId)) throw new HttpError(400, 'That verification option is not available. Go back and choose another.');
  await signInStates(deps.store.challenges).save(signIn.interaction.uid, { ...signIn.state, credentialId });
  ctx.status = 303;
  ctx.redirect(`/interaction/${signIn.interaction.uid}/mfa`);
}

export async function abortSignIn(ctx: Context, deps: InteractionDeps) {
  const interaction = await loadInteraction(ctx, deps.provider);
  const states = signInStates(deps.store.challenges);
  const state = await states.load(interaction.uid);
  const account = state && (await deps.mfa.deps.directory.find(state.accountId));
  const decision = account && deps.mfa.decide(account, requestFacts(ctx, interaction));
  const blocked = decision?.require === 'block';
  await deps.mfa.deps.audit.record({
    type: 'sign-in', result: 'fail', reason: blocked ? 'blocked by policy' : 'cancelled by the person', rule: decision?.rule,
    ...auditFields(ctx, interaction, account),
  });
  await states.clear(interaction.uid);
  await finishInteraction(ctx, deps.provider, {
    error: 'access_denied',
    error_description: blocked ? 'the sign-in policy does not allow this sign-in' : 'End-User aborted interaction',
  });
}
