// Loading the interaction a request belongs to, and answering oidc-provider with its result.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { errors, type InteractionResults } from 'oidc-provider';
import { HttpError } from '../src/http/form.js';

export type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

export const expiredMessage = 'This sign-in page has expired or was already used. Go back to the application and start again.';

/** The interaction named in the URL, which must also be this browser's current one. */
export async function loadInteraction(ctx: Context, provider: Provider): Promise<Interaction> {
  let interaction: Interaction;
  try {
    interaction = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (error) {
    if (error instanceof errors.SessionNotFound) throw new HttpError(400, expiredMessage);
    throw error;
  }
  if (interaction.uid !== ctx.params.uid) throw new HttpError(400, expiredMessage);
  return interaction;
}

/** Hands the result back to oidc-provider and sends the browser on to resume the request. */
export async function finishInteraction(ctx: Context, provider: Provider, result: InteractionResults): Promise<void> {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

export async function clientName(provider: Provider, interaction: Interaction): Promise<string> {
  const clientId = String(interaction.params.client_id);
  const client = await provider.Client.find(clientId);
  return client?.clientName ?? clientId;
}
