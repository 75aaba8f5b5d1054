// Sign-ins as relying parties see them: each authorization request answered, with 'ok' or the
// OAuth error sent back, by client. oidc-provider announces both as events.
import type Provider from 'oidc-provider';
import type { Metrics } from './metrics.js';

type OidcContext = { oidc?: { client?: { clientId?: string } } };

export function countSignIns(provider: Provider, metrics: Metrics): void {
  // Only a client oidc-provider found is named: an unknown client_id is whatever a request typed.
  const client = (ctx: OidcContext) => ctx.oidc?.client?.clientId ?? 'unknown';
  provider.on('authorization.success', (ctx: OidcContext) => metrics.signIn('ok', client(ctx)));
  provider.on('authorization.error', (ctx: OidcContext, error: { error?: string }) => metrics.signIn(/^[a-z_]{1,64}$/.test(error?.error ?? '') ? error.error! : 'server_error', client(ctx)));
}
