// Loading the interaction a request belongs to, and answering oidc-provider with its result.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { errors, type InteractionResults } from 'oidc-provider';
import { HttpError } from '../src/http/form.js';
import { type BackLink, clientHomeById } from '../src/provider/clientHome.js';

export type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

export const expiredMessage = 'This sign-in page has expired or was already used. Go back to the application and start again.';

/** A sign-in page that is gone (finished, expired): the error page links back to the application. */
export class ExpiredInteraction extends HttpError {
  constructor(readonly back: BackLink) {
    super(400, expiredMessage);
  }
}

// Which application an interaction's pages belong to, scoped to that interaction's path: once the
// interaction is gone (Back after signing in), its pages can still link to the application.
const clientCookie = 'twofold.client';
const clientCookieAge = 2 * 3600 * 1000;

/** The interaction named in the URL, which must also be this browser's current one. */
export async function loadInteraction(ctx: Context, provider: Provider): Promise<Interaction> {
  let interaction: Interaction;
  try {
    interaction = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (error) {
    if (error instanceof errors.SessionNotFound) throw await expired(ctx, provider);
    throw error;
  }
  if (interaction.uid !== ctx.params.uid) throw await expired(ctx, provider);
  const clientId = String(interaction.params.client_id);
  // Set once per interaction (its status route is asked every 2 seconds).
  if (ctx.params.uid && ctx.cookies.get(clientCookie, { signed: false }) !== clientId) {
    ctx.cookies.set(clientCookie, clientId, {
      path: `/interaction/${interaction.uid}`, httpOnly: true, sameSite: 'lax', secure: ctx.secure, maxAge: clientCookieAge, signed: false,
    });
  }
  return interaction;
}

async function expired(ctx: Context, provider: Provider): Promise<ExpiredInteraction> {
  return new ExpiredInteraction(await clientHomeById(provider, ctx.cookies.get(clientCookie, { signed: false })));
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
