// The demo account and relying party, created on an empty store in development.
import { createAccount } from '../accounts/createAccount.js';
import { registerClient } from '../clients/registerClient.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';

export const demoCredentials = { username: 'demo', password: 'twofold-demo' } as const;
export const demoClientId = 'demo';

export const demoRedirectUri = (issuer: string) => new URL('/demo/callback', issuer).href;

export async function seedDemo(store: Store, issuer: string, log: Logger): Promise<void> {
  const [accounts, clients] = await Promise.all([store.accounts.list(), store.clients.list()]);
  if (accounts.length || clients.length) {
    const demo = clients.find((client) => client.clientId === demoClientId);
    if (demo && !demo.redirectUris.includes(demoRedirectUri(issuer))) {
      log.warn(`the demo client is registered for ${demo.redirectUris.join(', ')}, not ${demoRedirectUri(issuer)}; run \`twofold client remove demo\` and restart to re-create it`);
    }
    return;
  }
  await createAccount(store.accounts, { ...demoCredentials, displayName: 'Demo Person', email: 'demo@example.com', groups: ['demo'] });
  await registerClient(store.clients, {
    clientId: demoClientId,
    name: 'Twofold demo app',
    public: true,
    firstParty: true,
    redirectUris: [demoRedirectUri(issuer)],
    postLogoutRedirectUris: [new URL('/demo', issuer).href],
  });
  log.info('seeded the demo account and the demo relying party');
}
