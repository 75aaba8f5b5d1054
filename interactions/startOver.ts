// "Not you?" on the verification and setup pages of a sign-in that began with a password here:
// forgets what this interaction proved and shows the password page again, for the right person.
import type { Context } from 'koa';
import { HttpError } from '../src/http/form.js';
import { setupKey, signInStates } from '../src/mfa/signInState.js';
import type { InteractionDeps } from './deps.js';
import { loadInteraction } from './interaction.js';
import { auditFields } from './signIn.js';

export async function startOver(ctx: Context, deps: InteractionDeps) {
  const interaction = await loadInteraction(ctx, deps.provider);
  // Someone signed in already (a step-up) signs out instead: the page links there.
  if (interaction.session?.accountId) throw new HttpError(400, 'You are signed in already. To sign in as someone else, sign out first.');
  const states = signInStates(deps.store.challenges);
  const state = await states.load(interaction.uid);
  const account = state && (await deps.mfa.deps.directory.find(state.accountId));
  if (state) {
    await deps.mfa.deps.audit.record({ type: 'sign-in', result: 'info', reason: 'started over: "not you?" on the second-factor page', ...auditFields(ctx, interaction, account) });
    await states.clear(interaction.uid);
    await deps.store.challenges.delete(setupKey(interaction.uid));
  }
  ctx.status = 303;
  ctx.redirect(`/interaction/${interaction.uid}`);
}
