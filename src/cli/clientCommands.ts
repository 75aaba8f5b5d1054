import { readFileSync } from 'node:fs';
import { createAudit } from '../audit/audit.js';
import type { ClientInput } from '../clients/clientSchema.js';
import { registerClient } from '../clients/registerClient.js';
import { type ClientChange, updateClient } from '../clients/updateClient.js';
import { silentLogger } from '../log.js';
import type { ClientRecord, Store } from '../store/types.js';
import { InvalidInputError } from '../validation.js';
import { cliActor } from './actor.js';
import { parseCommand } from './args.js';
import { type CliIo, readSecretOption, UsageError } from './io.js';

export const clientUsage = [
  'twofold client add <client_id> --redirect-uri <uri>... [--post-logout-redirect-uri <uri>]... [--public] [--secret-stdin | --secret <s>] [--name <name>] [--first-party] [options]',
  'twofold client update <client_id> [--redirect-uri <uri>]... [--post-logout-redirect-uri <uri>]... [--name <name>] [--first-party | --no-first-party] [--no-backchannel-logout-session-required] [options]',
  'twofold client add|update options: [--auth-method <method>] [--jwks-uri <url> | --jwks-file <file>] [--grant authorization_code|client_credentials]...',
  'twofold client add|update options: [--pkce required|optional] [--id-token-alg RS256|ES256] [--backchannel-logout-uri <uri> [--backchannel-logout-session-required]]',
  'twofold client add|update options: [--legacy] (an app that only sends a username and an app password: the password grant; update takes --no-legacy)',
  'twofold client list',
  'twofold client remove <client_id>',
];

/** The options `add` and `update` share. */
const clientOptions = {
  'redirect-uri': { type: 'string', multiple: true }, 'post-logout-redirect-uri': { type: 'string', multiple: true },
  name: { type: 'string' }, 'first-party': { type: 'boolean' },
  'auth-method': { type: 'string' }, 'jwks-uri': { type: 'string' }, 'jwks-file': { type: 'string' },
  grant: { type: 'string', multiple: true }, pkce: { type: 'string' }, 'id-token-alg': { type: 'string' },
  'backchannel-logout-uri': { type: 'string' }, 'backchannel-logout-session-required': { type: 'boolean' },
  legacy: { type: 'boolean' },
} as const;

/** A JWK Set (or one JWK) from a file, or a message saying what is wrong with it. */
function readJwksFile(path: string): ClientInput['jwks'] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError([`jwks file: cannot read '${path}' (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidInputError([`jwks file: '${path}' is not JSON: give a JWK Set such as {"keys": [...]}`]);
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && !('keys' in parsed) && 'kty' in parsed) return { keys: [parsed as Record<string, unknown>] };
  return parsed as ClientInput['jwks'];
}

type ClientValues = { [K in keyof typeof clientOptions]?: (typeof clientOptions)[K] extends { multiple: true } ? string[] : (typeof clientOptions)[K] extends { type: 'boolean' } ? boolean : string };

/** The options given, as registration fields; an empty value ('') clears a URI or a list. */
function fieldsFrom(values: ClientValues): ClientChange {
  const list = (given: string[] | undefined) => given && given.filter((value) => value !== '');
  const optional = (given: string | undefined) => (given === undefined ? undefined : given === '' ? null : given);
  const change: ClientChange = {
    name: optional(values.name),
    redirectUris: list(values['redirect-uri']),
    postLogoutRedirectUris: list(values['post-logout-redirect-uri']),
    firstParty: values['first-party'],
    authMethod: values['auth-method'] as ClientChange['authMethod'],
    jwksUri: optional(values['jwks-uri']),
    jwks: values['jwks-file'] === undefined ? undefined : values['jwks-file'] === '' ? null : readJwksFile(values['jwks-file']),
    grantTypes: values.grant as ClientChange['grantTypes'],
    pkce: values.pkce as ClientChange['pkce'],
    idTokenAlg: values['id-token-alg'] as ClientChange['idTokenAlg'],
    backchannelLogoutUri: optional(values['backchannel-logout-uri']),
    backchannelLogoutSessionRequired: values['backchannel-logout-session-required'],
    legacy: values.legacy,
  };
  return Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
}

const typeOf = (client: ClientRecord) => `${client.public ? 'public' : 'confidential'}, ${client.authMethod}`;

function describe(client: ClientRecord): string[] {
  const list = (values: string[]) => values.join(' ') || '(none)';
  return [
    `${client.clientId}${client.name ? `  "${client.name}"` : ''}`,
    `  type:                       ${typeOf(client)}`,
    `  first party:                ${client.firstParty ? 'yes (no consent page)' : 'no'}`,
    `  grants:                     ${list(client.grantTypes)}${client.legacy ? ' (legacy: and password, with app passwords)' : ''}`,
    `  pkce:                       ${client.pkce}`,
    `  id token alg:               ${client.idTokenAlg}`,
    ...(client.authMethod === 'private_key_jwt' ? [`  keys:                       ${client.jwksUri ?? `${client.jwks?.keys.length ?? 0} in a JWK Set`}`] : []),
    `  redirect URIs:              ${list(client.redirectUris)}`,
    `  post-logout redirect URIs:  ${list(client.postLogoutRedirectUris)}`,
    `  back-channel logout URI:    ${client.backchannelLogoutUri ? `${client.backchannelLogoutUri}${client.backchannelLogoutSessionRequired ? ' (session required)' : ''}` : '(none)'}`,
  ];
}

export async function clientCommand(store: Store, [sub, ...argv]: string[], io: CliIo): Promise<void> {
  const audit = createAudit(store.audit, silentLogger);
  const record = (type: string, clientId: string, reason: string) => audit.record({ type, result: 'ok', clientId, actor: cliActor(), reason });
  switch (sub) {
    case 'add': {
      const { values, args } = parseCommand('client add', argv, {
        ...clientOptions, public: { type: 'boolean' }, secret: { type: 'string' }, 'secret-stdin': { type: 'boolean' },
      }, ['client_id']);
      const secret = await readSecretOption('client add', 'secret', values, io);
      const { client, generatedSecret } = await registerClient(store.clients, {
        redirectUris: [], ...fieldsFrom(values), clientId: args[0]!, public: values.public ?? false, secret,
      });
      await record('client.add', client.clientId, `${typeOf(client)}; grants ${client.grantTypes.join(' ')}; pkce ${client.pkce}; redirect URIs ${client.redirectUris.join(' ') || '(none)'}`);
      io.out(`added ${client.public ? 'public' : 'confidential'} client '${client.clientId}'`);
      if (generatedSecret) {
        io.out(`client secret: ${generatedSecret}`);
        io.out('keep it now: it is stored encrypted and not shown again');
      }
      return;
    }
    case 'update': {
      const { values, args } = parseCommand('client update', argv, {
        ...clientOptions, 'no-first-party': { type: 'boolean' }, 'no-backchannel-logout-session-required': { type: 'boolean' }, 'no-legacy': { type: 'boolean' },
      }, ['client_id']);
      if (values['first-party'] && values['no-first-party']) throw new UsageError('client update: give --first-party or --no-first-party, not both');
      if (values['backchannel-logout-session-required'] && values['no-backchannel-logout-session-required']) {
        throw new UsageError('client update: give --backchannel-logout-session-required or --no-backchannel-logout-session-required, not both');
      }
      const change = fieldsFrom(values);
      if (values['no-first-party']) change.firstParty = false;
      if (values['no-legacy']) change.legacy = false;
      if (values['no-backchannel-logout-session-required']) change.backchannelLogoutSessionRequired = false;
      if (!Object.keys(change).length) throw new UsageError('client update: nothing to change: give the options to change');
      const { client, changes, generatedSecret } = await updateClient(store.clients, args[0]!, change);
      if (!changes.length) return io.out(`client '${client.clientId}' already has these settings: nothing changed`);
      await record('client.update', client.clientId, changes.join('; '));
      io.out(`updated client '${client.clientId}':`);
      changes.forEach((line) => io.out(`  ${line}`));
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
      clients.forEach((client, index) => {
        if (index) io.out('');
        describe(client).forEach((line) => io.out(line));
      });
      return;
    }
    case 'remove': {
      const { args } = parseCommand('client remove', argv, {}, ['client_id']);
      if (!(await store.clients.remove(args[0]!))) throw new InvalidInputError([`client remove: there is no client '${args[0]}'`]);
      await record('client.remove', args[0]!, 'removed');
      io.out(`removed client '${args[0]}'`);
      return;
    }
    default:
      throw new UsageError(sub ? `client: unknown command '${sub}'` : 'client: which command?');
  }
}
