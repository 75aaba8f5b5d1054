// Everything a second-factor page starts from: the interaction, this sign-in's state,
// the account and the policy decision, worked out afresh on every request.
import type { Context } from 'koa';
import { HttpError } from '../src/http/form.js';
import type { DirectoryAccount } from '../src/mfa/accountDirectory.js';
import { type SignInState, signInStates } from '../src/mfa/signInState.js';
import type { Decision } from '../src/policy/types.js';
import { mfaPromptName } from '../src/provider/mfaPrompt.js';
import type { InteractionDeps } from './deps.js';
import { expiredMessage, type Interaction, loadInteraction } from './interaction.js';
import { requestFacts } from './signIn.js';

export interface SignInContext {
  interaction: Interaction;
  state: SignInState;
  account: DirectoryAccount;
  decision: Decision;
}

export async function loadSignIn(ctx: Context, deps: InteractionDeps): Promise<SignInContext> {
  const interaction = await loadInteraction(ctx, deps.provider);
  const states = signInStates(deps.store.challenges);
  let state = await states.load(interaction.uid);
  if (!state) {
    // A step-up: the `mfa` prompt fired for a session that lacks what this request needs.
    const session = interaction.session;
    if (interaction.prompt.name !== mfaPromptName || !session?.accountId) throw new HttpError(400, expiredMessage);
    state = { accountId: session.accountId, amr: (session.amr as string[] | undefined) ?? [], proven: [] };
    await states.save(interaction.uid, state);
  }
  const account = await deps.mfa.deps.directory.find(state.accountId);
  if (!account) throw new HttpError(400, expiredMessage);
  return { interaction, state, account, decision: deps.mfa.decide(account, requestFacts(ctx, interaction)) };
}
