import { registerClient } from '../clients/registerClient.js';
import type { Store } from '../store/types.js';
import { InvalidInputError } from '../validation.js';
import { parseCommand } from './args.js';
import { type CliIo, readSecretOption, table, UsageError } from './io.js';

export const clientUsage = [
  'twofold client add <client_id> --redirect-uri <uri>... [--post-logout-redirect-uri <uri>]... [--public] [--secret-stdin | --secret <s>] [--name <name>] [--first-party]',
  'twofold client list',
  'twofold client remove <client_id>',
];

export async function clientCommand(store: Store, [sub, ...argv]: string[], io: CliIo): Promise<void> {
  switch (sub) {
    case 'add': {
      const { values, args } = parseCommand('client add', argv, {
        'redirect-uri': { type: 'string', multiple: true }, 'post-logout-redirect-uri': { type: 'string', multiple: true },
        public: { type: 'boolean' }, secret: { type: 'string' }, 'secret-stdin': { type: 'boolean' },
        name: { type: 'string' }, 'first-party': { type: 'boolean' },
      }, ['client_id']);
      const secret = await readSecretOption('client add', 'secret', values, io);
      const { client, generatedSecret } = await registerClient(store.clients, {
        clientId: args[0]!, name: values.name, public: values.public ?? false, firstParty: values['first-party'] ?? false,
        redirectUris: values['redirect-uri'] ?? [], postLogoutRedirectUris: values['post-logout-redirect-uri'] ?? [], secret,
      });
      io.out(`added ${client.public ? 'public' : 'confidential'} client '${client.clientId}'`);
      if (generatedSecret) {
        io.out(`client secret: ${generatedSecret}`);
        io.out('keep it now: it is stored encrypted and not shown again');
      }
      return;
    }
    case 'list': {
      parseCommand('client list', argv, {}, []);
      const clients = await store.clients.list();
      if (!clients.length) return io.out('no clients');
      table([['CLIENT_ID', 'NAME', 'TYPE', 'FIRST_PARTY', 'REDIRECT_URIS'], ...clients.map((c) => [
        c.clientId, c.name ?? '', c.public ? 'public' : 'confidential', c.firstParty ? 'yes' : 'no', c.redirectUris.join(' '),
      ])]).forEach((line) => io.out(line));
      return;
    }
    case 'remove': {
      const { args } = parseCommand('client remove', argv, {}, ['client_id']);
      if (!(await store.clients.remove(args[0]!))) throw new InvalidInputError([`client remove: there is no client '${args[0]}'`]);
      io.out(`removed client '${args[0]}'`);
      return;
    }
    default:
      throw new UsageError(sub ? `client: unknown command '${sub}'` : 'client: which command?');
  }
}
