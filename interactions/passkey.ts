// "Sign in with a passkey": the sign-in page's ceremony without a username (its button, and
// the browser's autofill). A passkey that verified the person (PIN, biometric) is two factors
// and phishing-resistant on its own; one that did not is one factor, and policy asks for more.
import type { Context } from 'koa';
import type { Factor } from '../src/factors/types.js';
import { HttpError } from '../src/http/form.js';
import type { ProviderPageDeps } from './deps.js';
import { type Interaction, loadInteraction } from './interaction.js';
import { refusalMessage, refusalReason } from './messages.js';
import { auditFields, completePrimary } from './signIn.js';

export const passkeyMessages = {
  failed: "That passkey didn't work. Try again, or sign in with your username and password.",
  expired: 'That took too long. Try again.',
  disabled: 'This account is disabled. Contact your administrator.',
};

/** The one challenge a sign-in page offers, kept apart from the sign-in state: it is taken once. */
const passkeyKey = (uid: string) => `passkey:${uid}`;
/** The challenge belongs to the page, not yet to anyone. */
const nobody = '';

const passkeyFactor = (deps: ProviderPageDeps): Factor | undefined => deps.mfa.deps.factors.all().find((factor) => factor.firstFactor);

/** What the sign-in page needs to offer a passkey (a fresh challenge), or nothing when no method can. */
export async function passkeyOffer(deps: ProviderPageDeps, interaction: Interaction): Promise<Record<string, unknown> | undefined> {
  const factor = passkeyFactor(deps);
  if (!factor?.firstFactor) return undefined;
  const started = await factor.firstFactor.challenge();
  await deps.store.challenges.put(passkeyKey(interaction.uid), nobody, started.state, started.expiresIn);
  return { ...started.view, ceremony: 'passkey' };
}

export async function submitPasskey(ctx: Context, deps: ProviderPageDeps, render: (interaction: Interaction, error: string) => Promise<void>) {
  const interaction = await loadInteraction(ctx, deps.provider);
  if (interaction.prompt.name !== 'login') throw new HttpError(400, 'This sign-in step is already done. Go back to the application and start again.');
  const factor = passkeyFactor(deps);
  if (!factor?.firstFactor) throw new HttpError(404, 'Passkeys are not offered here.');
  const { regulator, audit } = deps.mfa.deps;
  const fields = auditFields(ctx, interaction);
  const fail = async (status: number, message: string, reason: string, accountId?: string) => {
    await audit.record({ type: 'passkey', result: 'fail', method: factor.id, reason, ...fields, accountId });
    ctx.status = status;
    return render(interaction, message);
  };

  // Nobody's account is known until the answer is checked: attempts are counted per address
  // (locked after repeated failures, like a password) and against the network's limit.
  const attempt = await regulator.begin('password', `passkey@${ctx.ip}`, ctx.ip);
  if (attempt.refusal) return fail(429, refusalMessage(attempt.refusal, deps.mfa.deps.now()), refusalReason(attempt.refusal));
  // Single use: of two requests with one answer, one finds the challenge.
  const saved = await deps.store.challenges.take(passkeyKey(interaction.uid));
  if (!saved) {
    await attempt.failed();
    return fail(400, passkeyMessages.expired, 'no passkey challenge under way, or it expired');
  }
  const result = await factor.firstFactor.verify(ctx.state.form as Record<string, string>, saved.data);
  if (result.outcome === 'expired') {
    await attempt.failed();
    return fail(400, passkeyMessages.expired, 'the passkey challenge expired');
  }
  if (result.outcome !== 'ok') {
    await attempt.failed();
    const reason = result.outcome === 'failed' ? (result.detail ? `${result.reason}: ${result.detail}` : result.reason) : result.outcome;
    return fail(401, passkeyMessages.failed, reason);
  }
  await attempt.succeeded();

  const accountId = result.credential.accountId;
  const account = await deps.accounts.findById(accountId);
  if (!account || account.disabled) return fail(403, passkeyMessages.disabled, account ? 'disabled' : 'no such account', accountId);
  // A lockout from failed passwords or second factors holds for passkeys too.
  const refusal = (await regulator.check('password', accountId, ctx.ip)) ?? (await regulator.check('mfa', accountId, ctx.ip));
  if (refusal) return fail(429, refusalMessage(refusal, deps.mfa.deps.now()), refusalReason(refusal), accountId);

  const amr = result.amr ?? factor.amr;
  await audit.record({
    type: 'passkey', result: 'ok', method: factor.id, reason: amr.includes('user') ? 'user verified' : 'user not verified: one factor',
    ...fields, accountId, username: account.username,
  });
  await completePrimary(ctx, deps, interaction, { id: account.id, username: account.username, groups: account.groups }, amr, { phishingResistant: factor.phishingResistant, credentialId: result.credential.id, method: factor.id });
}
