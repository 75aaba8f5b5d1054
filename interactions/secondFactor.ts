// The second-factor step: challenge with the default (or chosen) method, verify, "Send a new
// code", "Use a different verification option", and the page shown once a factor is proven.
import type { Context } from 'koa';
import { z } from 'zod';
import { HttpError } from '../src/http/form.js';
import { challengeFor, isExpired } from '../src/mfa/challenges.js';
import { deviceCookie, rememberPeriod } from '../src/mfa/rememberedDevices.js';
import type { UsableMethod } from '../src/mfa/service.js';
import { type ActiveChallenge, type SignInState, signInStates } from '../src/mfa/signInState.js';
import { type Answer, answer } from '../src/mfa/verification.js';
import type { Factor } from '../src/factors/types.js';
import type { InteractionDeps } from './deps.js';
import { clientName, finishInteraction, loadInteraction } from './interaction.js';
import { answerMessage, mfaMessages, refusalMessage } from './messages.js';
import { triesLeftWarning, verificationLock } from './lockout.js';
import { purposeOf } from './purpose.js';
import { renderPage, renderVerificationBlocked, signingInAs } from './pages.js';
import { answerContext, auditFields, finishSignIn, requestFacts, settledByPolicy } from './signIn.js';
import { loadSignIn, type SignInContext } from './signInContext.js';

/** The usable methods, or the page this sign-in must go to instead. */
async function methodsOrRedirect(ctx: Context, deps: InteractionDeps, signIn: SignInContext): Promise<UsableMethod[] | undefined> {
  if (await settledByPolicy(ctx, deps, signIn)) return undefined;
  const { interaction, state, decision } = signIn;
  const goTo = (step: string) => {
    ctx.status = 303;
    ctx.redirect(`/interaction/${interaction.uid}/mfa${step}`);
    return undefined;
  };
  if (state.done) return goTo('/done');
  // A denied sign-in stays denied; a blocked account is not challenged (nothing is sent).
  if (state.denied) return void (await renderDenied(ctx, deps, signIn, state.denied));
  if (await deps.mfa.blocked(state.accountId)) return void (await renderStopped(ctx, deps, signIn));
  // A passkey that was the first factor is not a second one as well.
  const all = (await deps.mfa.usableMethods(state.accountId, decision)).filter((method) => method.credential.id !== state.firstFactorCredential);
  if (!deps.mfa.hasOwnMethod(all)) return goTo('/enroll');
  // A re-authentication with one factor stands in for the whole sign-in only with the person's own
  // method: a recovery code alone would leave a single-factor session (and someone who has only the
  // code file should give the password too, by signing in again).
  return state.reauthenticating ? all.filter((method) => !method.factor.standby) : all;
}

async function renderDenied(ctx: Context, deps: InteractionDeps, signIn: SignInContext, denied: 'fraud' | 'denied') {
  ctx.status = 403;
  await renderPage(ctx, deps, signIn.interaction, 'mfa-denied.njk', { fraud: denied === 'fraud' });
}

const renderStopped = (ctx: Context, deps: InteractionDeps, signIn: SignInContext) => renderVerificationBlocked(ctx, deps, signIn.interaction, signIn.account);

const chosenMethod = (usable: UsableMethod[], credentialId: string | undefined) =>
  usable.find((method) => method.credential.id === credentialId) ?? usable[0]!;

interface ChallengePage {
  chosen: UsableMethod;
  challenge?: ActiveChallenge;
  error?: string;
  notice?: string;
}

async function renderChallenge(ctx: Context, deps: InteractionDeps, signIn: SignInContext, { chosen, challenge, error, notice }: ChallengePage) {
  const { factor, credential } = chosen;
  const expired = challenge !== undefined && isExpired(challenge, deps.mfa.deps.now());
  // While locked the form is disabled and says until when; nothing typed could count.
  const locked = await verificationLock(ctx, deps, signIn.interaction, signIn.account);
  await renderPage(ctx, deps, signIn.interaction, 'mfa.njk', {
    ...challenge?.view,
    factor: factor.id,
    methodTitle: factor.title,
    method: factor.describe(credential),
    wording: factor.wording,
    waiting: factor.waiting,
    script: factor.script,
    credentialId: credential.id,
    username: signIn.account.username,
    ...signingInAs(signIn),
    purpose: purposeOf(signIn.interaction),
    rememberFor: factor.standby ? undefined : rememberPeriod(signIn.decision),
    error: locked?.message ?? error ?? (expired ? mfaMessages.expired : undefined),
    locked,
    // Nothing more can come in for an expired challenge: the page stops asking until a new one starts.
    expired,
    notice,
  });
}

/** The challenge shown for the chosen method: the one under way, or one started now. */
async function showChallenge(ctx: Context, deps: InteractionDeps, signIn: SignInContext, chosen: UsableMethod, { resend = false } = {}) {
  const { interaction, account, decision } = signIn;
  const states = signInStates(deps.store.challenges);
  const { regulator, audit, now } = deps.mfa.deps;
  const shown = await challengeFor({ regulator, audit, now, save: (state) => states.save(interaction.uid, state) }, account, signIn.state, chosen,
    answerContext(ctx, interaction, account, 'mfa.challenge', decision), { resend, clientName: await clientName(deps.provider, interaction) });
  if (shown.refusal) ctx.status = 429;
  await renderChallenge(ctx, deps, { ...signIn, state: shown.state }, {
    chosen, challenge: shown.challenge,
    error: shown.refusal && refusalMessage(shown.refusal, now()),
    notice: resend && !shown.refusal ? 'We sent a new one.' : undefined,
  });
}

export async function showSecondFactor(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  const usable = await methodsOrRedirect(ctx, deps, signIn);
  if (usable) await showChallenge(ctx, deps, signIn, chosenMethod(usable, signIn.state.credentialId));
}

export async function resendChallenge(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  const usable = await methodsOrRedirect(ctx, deps, signIn);
  if (!usable) return;
  const chosen = chosenMethod(usable, signIn.state.credentialId);
  if (!chosen.factor.challenge) throw new HttpError(400, 'There is nothing to send again for this method.');
  await showChallenge(ctx, deps, signIn, chosen, { resend: true });
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
  const chosen = chosenMethod(usable, parsed.data.credential);
  const { factor } = chosen;
  const { regulator, audit, now } = deps.mfa.deps;
  const context = answerContext(ctx, interaction, account, 'mfa.verify', decision);
  // The answer belongs to the challenge this sign-in started for this credential, and no other.
  const challenge = state.challenge?.credentialId === chosen.credential.id ? state.challenge : undefined;

  let result: Answer;
  if (factor.challenge && (!challenge || isExpired(challenge, now()))) {
    await audit.record({ ...context, method: factor.id, result: 'fail', reason: challenge ? 'expired' : 'no challenge under way' });
    result = { outcome: 'expired' };
  } else {
    // Any of the person's credentials of the chosen kind will do: people keep an app on two phones.
    const sameKind = usable.filter((method) => method.factor.id === factor.id && method.credential.id !== chosen.credential.id).map((method) => method.credential);
    result = await answer({ regulator, audit, fraud: deps.mfa.deps.fraud }, factor, context,
      () => factor.verify({ account, credentials: [chosen.credential, ...sameKind], form, state: challenge?.state }));
  }
  if (result.outcome === 'denied') {
    // The person said no (0# on a call): this sign-in ends, and the relying party gets access_denied.
    const denied = result.fraud ? 'fraud' : 'denied';
    await signInStates(deps.store.challenges).save(interaction.uid, { ...state, challenge: undefined, denied });
    return renderDenied(ctx, deps, signIn, denied);
  }
  if (result.outcome === 'blocked') return renderStopped(ctx, deps, signIn);
  if (result.outcome !== 'ok') {
    ctx.status = result.outcome === 'refused' ? 429 : result.outcome === 'pending' ? 200 : 401;
    // Once few tries remain, the person hears how many (the lock itself shows on the page).
    const warning = result.outcome === 'failed' ? triesLeftWarning(await regulator.triesLeft('mfa', account.id)) : undefined;
    return renderChallenge(ctx, deps, signIn, { chosen, challenge, error: [answerMessage(result, factor, now()), warning].filter(Boolean).join(' ') });
  }

  const period = factor.standby ? undefined : rememberPeriod(decision);
  if (parsed.data.remember && period) {
    const { token } = await deps.mfa.devices.remember(account.id, factor.id, decision.remember, ctx.get('user-agent'), ctx.ip);
    ctx.cookies.set(deviceCookie, token, { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', maxAge: decision.remember * 1000 });
    await audit.record({ type: 'device.remember', result: 'ok', reason: `for ${period}`, rule: decision.rule, method: factor.id, ...auditFields(ctx, interaction, account) });
  }
  const used = { method: factor.id, amr: result.amr ?? factor.amr, phishingResistant: factor.phishingResistant, standby: Boolean(factor.standby) };
  if (result.notice) {
    const methodsVersion = await deps.store.credentials.methodsVersion(account.id);
    return showDoneNext(ctx, deps, interaction.uid, { ...state, done: { ...used, notice: result.notice, methodsVersion } });
  }
  await finishSignIn(ctx, deps, interaction, state, used);
}

/** Methods to suggest as a second one, as the seeds' flow does: a phone (a method whose RFC 8176
 * amr is a text or a call) first, in case the app is lost; otherwise the policy's order. */
export function backupOrder(factors: Factor[]): Factor[] {
  const phonesFirst = (factor: Factor) => (factor.amr.some((amr) => amr === 'sms' || amr === 'tel') ? 0 : 1);
  return [...factors].sort((a, b) => phonesFirst(a) - phonesFirst(b));
}

/** Keeps what was proven and sends the browser to the page that says so before continuing. */
export async function showDoneNext(ctx: Context, deps: InteractionDeps, uid: string, state: SignInState) {
  await signInStates(deps.store.challenges).save(uid, { ...state, challenge: undefined });
  ctx.status = 303;
  ctx.redirect(`/interaction/${uid}/mfa/done`);
}

/** For out-of-band methods: whether the answer is in, for the page's script. Changes nothing. */
export async function challengeStatus(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  const challenge = signIn.state.challenge;
  const factor = challenge && deps.mfa.deps.factors.get(challenge.method);
  let status: 'none' | 'pending' | 'answered' | 'expired' = 'none';
  if (challenge && factor?.peek) status = isExpired(challenge, deps.mfa.deps.now()) ? 'expired' : await factor.peek(challenge.state);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { status };
}

export async function showDone(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  const { done } = signIn.state;
  if (!done) {
    ctx.status = 303;
    return ctx.redirect(`/interaction/${signIn.interaction.uid}/mfa`);
  }
  // After a first method, a second one (a phone after the app) keeps the person in if they lose it.
  const own = done.setUp ? (await deps.mfa.usableMethods(signIn.account.id, signIn.decision)).filter((method) => !method.factor.standby) : [];
  const others = backupOrder(deps.mfa.enrollableFactors(signIn.decision).filter((factor) => !own.some((method) => method.factor.id === factor.id)));
  await renderPage(ctx, deps, signIn.interaction, 'mfa-done.njk', {
    setUp: done.setUp, notice: done.notice, provisioned: done.provisioned, provisionedShown: done.provisionedShown,
    backup: own.length === 1 && others.length ? others.map((factor) => factor.title.toLowerCase()).slice(0, 2).join(' or ') : undefined,
  });
  // Codes are shown once: a reload shows the page without them (new ones can be made on the security-info page).
  if (done.provisioned) {
    await signInStates(deps.store.challenges).save(signIn.interaction.uid, { ...signIn.state, done: { ...done, provisioned: undefined, provisionedShown: true } });
  }
}

export async function continueAfterDone(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  const { done, ...state } = signIn.state;
  if (!done) throw new HttpError(400, 'There is nothing to continue here. Go back to the application and start again.');
  // The person's methods changed since the proof (an administrator's reset, a removal): it no longer counts.
  if (done.methodsVersion !== (await deps.store.credentials.methodsVersion(signIn.account.id))) {
    await signInStates(deps.store.challenges).save(signIn.interaction.uid, state);
    ctx.status = 303;
    return ctx.redirect(`/interaction/${signIn.interaction.uid}/mfa`);
  }
  await finishSignIn(ctx, deps, signIn.interaction, state, done);
}

export async function showOptions(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  const usable = await methodsOrRedirect(ctx, deps, signIn);
  if (!usable) return;
  await renderPage(ctx, deps, signIn.interaction, 'mfa-options.njk', {
    methods: usable.map(({ credential, factor }) => ({
      id: credential.id, label: factor.wording.option ?? factor.describe(credential), isDefault: credential.isDefault,
    })),
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
  const denied = state?.denied;
  await deps.mfa.deps.audit.record({
    type: 'sign-in', result: 'fail', rule: decision?.rule, ...auditFields(ctx, interaction, account),
    reason: blocked ? 'blocked by policy' : denied === 'fraud' ? 'denied by the person and reported as fraud' : denied ? 'denied by the person' : 'cancelled by the person',
  });
  await states.clear(interaction.uid);
  await finishInteraction(ctx, deps.provider, {
    error: 'access_denied',
    error_description: blocked ? 'the sign-in policy does not allow this sign-in' : denied ? 'the End-User denied the sign-in' : 'End-User aborted interaction',
  });
}
