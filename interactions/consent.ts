// The consent step for third-party applications; first-party ones are granted without asking.
import type { Context } from 'koa';
import { HttpError } from '../src/http/form.js';
import { isFirstParty } from '../src/provider/clientMetadata.js';
import type { ProviderPageDeps } from './deps.js';
import { clientName, finishInteraction, type Interaction, loadInteraction } from './interaction.js';

const scopeDescriptions: Record<string, string> = {
  openid: 'Sign you in with your Twofold account',
  profile: 'See your name and username',
  email: 'See your email address',
  phone: 'See your phone number',
  groups: 'See the groups you belong to',
  offline_access: 'Stay connected to your account when you are not using it, until you sign out or revoke it',
};

interface ConsentDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
}

export async function renderConsent(ctx: Context, deps: ProviderPageDeps, interaction: Interaction) {
  const client = await deps.provider.Client.find(String(interaction.params.client_id));
  if (isFirstParty(client)) return grantConsent(ctx, deps, interaction);
  const details = interaction.prompt.details as ConsentDetails;
  const scopes = details.missingOIDCScope ?? String(interaction.params.scope ?? 'openid').split(' ');
  const account = await deps.accounts.findById(interaction.session!.accountId);
  ctx.type = 'html';
  ctx.body = deps.views.render('consent.njk', {
    uid: interaction.uid,
    client: await clientName(deps.provider, interaction),
    username: account?.username,
    csrf: deps.csrf.token(ctx),
    requests: [
      ...scopes.map((scope) => scopeDescriptions[scope] ?? `Use “${scope}”`),
      ...(details.missingOIDCClaims ?? []).map((claim) => `See “${claim}”`),
    ],
  });
}

async function grantConsent(ctx: Context, deps: ProviderPageDeps, interaction: Interaction) {
  const { provider } = deps;
  const details = interaction.prompt.details as ConsentDetails;
  const accountId = interaction.session!.accountId;
  const grant = (interaction.grantId && (await provider.Grant.find(interaction.grantId)))
    || new provider.Grant({ accountId, clientId: String(interaction.params.client_id) });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  const grantId = await grant.save();
  await finishInteraction(ctx, provider, { consent: { grantId } });
}

export async function submitConsent(ctx: Context, deps: ProviderPageDeps) {
  const interaction = await loadInteraction(ctx, deps.provider);
  if (interaction.prompt.name !== 'consent' || !interaction.session) throw new HttpError(400, 'There is nothing to allow here. Go back to the application and start again.');
  await grantConsent(ctx, deps, interaction);
}
