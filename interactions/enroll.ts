// Setting up a first method during sign-in ("More information required"): choose among the
// methods policy allows, set it up, prove it once, save the recovery codes that come with it,
// continue. Only right after a password: a bare session never gets to add a method.
import type { Context } from 'koa';
import { HttpError } from '../src/http/form.js';
import type { Factor } from '../src/factors/types.js';
import { type PendingSetup, pendingSetups, type ProvenFactor, setupKey, signInStates } from '../src/mfa/signInState.js';
import { answer } from '../src/mfa/verification.js';
import type { InteractionDeps } from './deps.js';
import { answerMessage, refusalMessage, refusalReason } from './messages.js';
import { triesLeftWarning, verificationLock } from './lockout.js';
import { renderPage, renderVerificationBlocked, signingInAs } from './pages.js';
import { backupOrder, showDoneNext } from './secondFactor.js';
import { answerContext, auditFields, finishSignIn, nowSeconds, sessionTime, settledByPolicy } from './signIn.js';
import { loadSignIn, type SignInContext } from './signInContext.js';
import { setupSendGate } from './setupSends.js';

/** How recent the password must be to set up a method. */
export const enrollmentPasswordWindow = 5 * 60;

/** "Skip for now" only where policy allows it and the application did not ask for an acr:
 * a skipped setup could never give it what it asked for. */
const maySkip = (decision: SignInContext['decision']) => decision.enrollment === 'optional' && !decision.floor;

/** After a first setup in this interaction, the person chose to add another method before continuing. */
const addingAnother = (state: SignInContext['state']) => Boolean(state.addingAnother && state.done?.setUp);

const passwordIsFresh = (deps: InteractionDeps, signIn: SignInContext) =>
  signIn.state.passwordAt !== undefined && nowSeconds(deps) - signIn.state.passwordAt <= enrollmentPasswordWindow;

/** The factors this person may set up now, or undefined once another page has been sent. */
async function enrollable(ctx: Context, deps: InteractionDeps, signIn: SignInContext): Promise<Factor[] | undefined> {
  if (await settledByPolicy(ctx, deps, signIn)) return undefined;
  const { interaction, state, decision } = signIn;
  const usable = (await deps.mfa.usableMethods(state.accountId, decision)).filter((method) => method.credential.id !== state.firstFactorCredential);
  if (deps.mfa.hasOwnMethod(usable) && !addingAnother(state)) {
    ctx.status = 303;
    ctx.redirect(`/interaction/${interaction.uid}/mfa`);
    return undefined;
  }
  if (await deps.mfa.blocked(state.accountId)) {
    await renderVerificationBlocked(ctx, deps, interaction, signIn.account);
    return undefined;
  }
  const factors = deps.mfa.enrollableFactors(decision);
  if (!factors.length) {
    ctx.status = 403;
    await renderPage(ctx, deps, interaction, 'no-method.njk', { strength: decision.strength });
    return undefined;
  }
  if (!passwordIsFresh(deps, signIn)) {
    await renderPage(ctx, deps, interaction, deps.confirmPassword ? 'confirm-password.njk' : 'sign-in-again.njk', { username: signIn.account.username });
    return undefined;
  }
  return factors;
}

const renderIntro = (ctx: Context, deps: InteractionDeps, signIn: SignInContext, factors: Factor[], extra: { error?: string; errorField?: string; chosen?: string; values?: Record<string, string> } = {}) =>
  renderPage(ctx, deps, signIn.interaction, 'enroll-intro.njk', {
    methods: (addingAnother(signIn.state) ? backupOrder(factors) : factors).map((factor) => ({ id: factor.id, title: factor.title, description: factor.description, form: factor.enroll?.form?.(signIn.decision) })),
    optional: maySkip(signIn.decision) && !addingAnother(signIn.state),
    another: addingAnother(signIn.state),
    ...signingInAs(signIn),
    ...extra,
  });

export async function showEnrollment(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  const factors = await enrollable(ctx, deps, signIn);
  if (factors) await renderIntro(ctx, deps, signIn, factors);
}

export async function beginEnrollment(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  const factors = await enrollable(ctx, deps, signIn);
  if (!factors) return;
  const form = ctx.state.form as Record<string, string>;
  const factor = factors.find((candidate) => candidate.id === form.method);
  if (!factor?.enroll) throw new HttpError(400, 'Choose one of the methods on the page.');
  const mayContact = setupSendGate(deps.mfa.deps, answerContext(ctx, signIn.interaction, signIn.account, 'mfa.enroll', signIn.decision), factor.id);
  const started = await factor.enroll.begin(signIn.account, form, { decision: signIn.decision, mayContact });
  if ('error' in started) {
    ctx.status = 400;
    return renderIntro(ctx, deps, signIn, factors, { error: started.error, errorField: started.field, chosen: factor.id, values: form });
  }
  await pendingSetups(deps.store.challenges).save(setupKey(signIn.interaction.uid), signIn.account.id, { method: factor.id, ...started });
  ctx.status = 303;
  ctx.redirect(`/interaction/${signIn.interaction.uid}/mfa/enroll/setup`);
}

async function renderSetup(ctx: Context, deps: InteractionDeps, signIn: SignInContext, factor: Factor, setup: PendingSetup, error?: string) {
  // Setup codes count toward the second factor's lock: while it holds, the form is disabled, as on the code page.
  const locked = await verificationLock(ctx, deps, signIn.interaction, signIn.account);
  await renderPage(ctx, deps, signIn.interaction, 'enroll-setup.njk', {
    ...setup.view, factor: factor.id, methodTitle: factor.title, wording: factor.wording, script: factor.script,
    error: locked?.message ?? error, locked, another: addingAnother(signIn.state), ...signingInAs(signIn),
  });
}

/** The setup under way and its factor, or undefined once another page has been sent. */
async function pendingSetup(ctx: Context, deps: InteractionDeps, signIn: SignInContext): Promise<{ factor: Factor; setup: PendingSetup } | undefined> {
  const factors = await enrollable(ctx, deps, signIn);
  if (!factors) return undefined;
  const setup = await pendingSetups(deps.store.challenges).load(setupKey(signIn.interaction.uid), signIn.account.id);
  const factor = setup && factors.find((candidate) => candidate.id === setup.method);
  if (!setup || !factor) {
    ctx.status = 303;
    ctx.redirect(`/interaction/${signIn.interaction.uid}/mfa/enroll`);
    return undefined;
  }
  return { factor, setup };
}

export async function showSetup(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  const found = await pendingSetup(ctx, deps, signIn);
  if (found) await renderSetup(ctx, deps, signIn, found.factor, found.setup);
}

/** Standbys that come with a first method (recovery codes), made now when the policy accepts
 * them and the person has none: shown once on the next page. */
async function provisionStandby(deps: InteractionDeps, signIn: SignInContext): Promise<ProvenFactor['provisioned']> {
  const standby = deps.mfa.allowedFactors(signIn.decision).find((factor) => factor.standby);
  // Made only where none exists, so racing setups never void a set someone was just shown.
  const provisioned = standby?.standby && (await standby.standby.provision(signIn.account, { keepExisting: true }));
  return provisioned ? { factor: standby.id, view: provisioned.view } : undefined;
}

export async function finishEnrollment(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  const found = await pendingSetup(ctx, deps, signIn);
  if (!found) return;
  const { factor, setup } = found;
  const { interaction, account, decision } = signIn;
  const { regulator, audit, now } = deps.mfa.deps;
  const setups = pendingSetups(deps.store.challenges);
  const result = await answer({ regulator, audit, fraud: deps.mfa.deps.fraud }, factor, answerContext(ctx, interaction, account, 'mfa.enroll', decision),
    () => factor.enroll!.finish(account, setup.pending, ctx.state.form as Record<string, string>, setups.claimer(setupKey(interaction.uid))));
  if (result.outcome !== 'ok') {
    ctx.status = result.outcome === 'refused' ? 429 : 401;
    // Setup codes count toward the same lockout as sign-in codes: warn the same way.
    const warning = result.outcome === 'failed' ? triesLeftWarning(await regulator.triesLeft('mfa', account.id)) : undefined;
    return renderSetup(ctx, deps, signIn, factor, setup, [answerMessage(result, factor, now()), warning].filter(Boolean).join(' '));
  }
  const another = addingAnother(signIn.state);
  // A second method added after the first: its codes were made (and shown) with the first.
  const provisioned = another ? undefined : await provisionStandby(deps, signIn);
  const done: ProvenFactor = {
    method: factor.id, amr: result.amr ?? factor.amr, phishingResistant: factor.phishingResistant, setUp: factor.title, provisioned,
    provisionedShown: another ? signIn.state.done?.provisionedShown : undefined,
    methodsVersion: await deps.store.credentials.methodsVersion(account.id),
  };
  await showDoneNext(ctx, deps, interaction.uid, { ...signIn.state, done, addingAnother: undefined });
}

export async function skipEnrollment(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  const factors = await enrollable(ctx, deps, signIn);
  if (!factors) return;
  if (!maySkip(signIn.decision)) throw new HttpError(403, 'Your organisation requires you to set up a verification method before you continue.');
  const ts = sessionTime();
  await deps.store.enrollmentSkips.record(signIn.account.id, ts);
  await deps.mfa.deps.audit.record({ type: 'mfa.enroll', result: 'info', reason: 'skipped for now: signed in with one factor', rule: signIn.decision.rule, ...auditFields(ctx, signIn.interaction, signIn.account) });
  await finishSignIn(ctx, deps, signIn.interaction, signIn.state, undefined, ts);
}

export async function confirmPassword(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  if (!deps.confirmPassword) throw new HttpError(400, 'Sign in again to set up a verification method.');
  const { regulator, audit, now } = deps.mfa.deps;
  const fields = auditFields(ctx, signIn.interaction, signIn.account);
  const attempt = await regulator.begin('password', signIn.account.id, ctx.ip);
  const password = (ctx.state.form as Record<string, string>).password ?? '';
  const render = (error: string) => renderPage(ctx, deps, signIn.interaction, 'confirm-password.njk', { username: signIn.account.username, error });
  if (attempt.refusal) {
    await audit.record({ type: 'password', result: 'fail', reason: `${refusalReason(attempt.refusal)} when confirming before setup`, ...fields });
    ctx.status = 429;
    return render(refusalMessage(attempt.refusal, now()));
  }
  if (!(await deps.confirmPassword(signIn.account.id, password))) {
    await attempt.failed(audit.entry({ type: 'password', result: 'fail', reason: 'wrong password when confirming before setup', ...fields }));
    ctx.status = 401;
    return render('Your password is incorrect.');
  }
  await attempt.succeeded(audit.entry({ type: 'password', result: 'ok', reason: 'confirmed before setup', ...fields }));
  await signInStates(deps.store.challenges).save(signIn.interaction.uid, { ...signIn.state, amr: [...new Set([...signIn.state.amr, 'pwd'])], proven: [...new Set([...signIn.state.proven, 'pwd'])], passwordAt: nowSeconds(deps) });
  ctx.status = 303;
  ctx.redirect(`/interaction/${signIn.interaction.uid}/mfa/enroll`);
}

/** "Add another method" on the page after a first setup: the setup pages open again for a second
 * one (the seeds' flow recommends a phone after the app), and the sign-in goes on after it. */
export async function addAnotherMethod(ctx: Context, deps: InteractionDeps) {
  const signIn = await loadSignIn(ctx, deps);
  if (!signIn.state.done?.setUp) throw new HttpError(400, 'There is nothing to add to here. Go back to the application and start again.');
  await signInStates(deps.store.challenges).save(signIn.interaction.uid, { ...signIn.state, addingAnother: true });
  ctx.status = 303;
  ctx.redirect(`/interaction/${signIn.interaction.uid}/mfa/enroll`);
}
