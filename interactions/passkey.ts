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

/** The sign-in page's challenge travels with the page as a signed ticket bound to the
 * interaction (showing the page writes nothing to the store). An answer to it is spent where it
 * is checked: the key records the challenges it answered, and refuses one again (webauthn settle). */
const ticketPurpose = 'passkey';

const passkeyFactor = (deps: ProviderPageDeps): Factor | undefined => deps.mfa.deps.factors.all().find((factor) => factor.firstFactor);

/** What the sign-in page needs to offer a passkey (a fresh challenge), or nothing when no method can. */
export async function passkeyOffer(deps: ProviderPageDeps, interaction: Interaction): Promise<Record<string, unknown> | undefined> {
  const factor = passkeyFactor(deps);
  if (!factor?.firstFactor) return undefined;
  const started = await factor.firstFactor.challenge();
  return { ...started.view, ceremony: 'passkey', ticket: deps.tickets.issue(ticketPurpose, interaction.uid, started.state) };
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
  // Only a challenge this server gave this sign-in's page; its expiry is the factor's to check.
  const state = deps.tickets.read(ticketPurpose, interaction.uid, (ctx.state.form as Record<string, string>).ticket);
  if (!state) {
    await attempt.failed();
    return fail(400, passkeyMessages.expired, 'no passkey challenge under way, or it expired');
  }
  const result = await factor.firstFactor.verify(ctx.state.form as Record<string, string>, state);
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
