// The `twofold` command: dispatches to a command group and maps failures to exit codes
// (0 done, 1 refused or failed, 2 the command line itself is wrong).
import { ConfigError, loadConfig } from '../config/load.js';
import { createLogger } from '../log.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { MongoNotMigratedError, MongoUnreachableError } from '../store/mongo/errors.js';
import { StoreConflictError } from '../store/types.js';
import { InvalidInputError } from '../validation.js';
import { auditCommand, auditUsage } from './auditCommand.js';
import { authenticatorCommand, authenticatorUsage } from './authenticatorCommands.js';
import { clientCommand, clientUsage } from './clientCommands.js';
import { dbCommand, dbUsage } from './dbCommands.js';
import { fraudCommand, fraudUsage, unblockCommand } from './fraudCommands.js';
import { type CliIo, UsageError } from './io.js';
import { keysCommand, keysUsage } from './keysCommand.js';
import { oathCommand, oathUsage } from './oathCommands.js';
import { policyCommand, policyUsage } from './policyCommands.js';
import { userCommand, userUsage } from './userCommands.js';

const allUsage = [...userUsage, ...fraudUsage, ...oathUsage, ...clientUsage, ...policyUsage, ...auditUsage, ...keysUsage, ...authenticatorUsage, ...dbUsage];
export const usage = (group?: string) => [
  'usage:',
  ...allUsage.filter((line) => !group || !allUsage.some((l) => l.startsWith(`twofold ${group} `)) || line.startsWith(`twofold ${group} `)).map((line) => `  ${line}`),
];

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [group, ...rest] = argv;
  let runtime: Runtime | undefined;
  const open = async () => (runtime ??= await openRuntime({ env: io.env, log: createLogger('error', (line) => io.err(line.trimEnd())) }));
  try {
    if (!group || group === 'help' || group === '--help' || group === '-h') {
      usage().forEach((line) => io.out(line));
      return group ? 0 : 2;
    }
    if (group === 'authenticator') return await authenticatorCommand(rest, io);
    if (group === 'keys') {
      await keysCommand(rest, io, open);
      return 0;
    }
    if (group === 'db') return await dbCommand(open, rest, io);
    if (group === 'policy') return await policyCommand({ runtime: open, config: () => loadConfig({ env: io.env }) }, rest, io);
    if (group === 'user' && rest[0] === 'unblock') return await unblockCommand((await open()).store, rest.slice(1), io).then(() => 0);
    const commands = { user: userCommand, client: clientCommand, audit: auditCommand, fraud: fraudCommand, oath: oathCommand };
    if (!(group in commands)) throw new UsageError(`unknown command '${group}'`);
    await commands[group as keyof typeof commands]((await open()).store, rest, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}`);
      usage(group).forEach((line) => io.err(line));
      return 2;
    }
    if (error instanceof InvalidInputError || error instanceof ConfigError) {
      error.problems.forEach((problem) => io.err(`error: ${problem}`));
      return 1;
    }
    if (error instanceof StoreConflictError || error instanceof MongoNotMigratedError || error instanceof MongoUnreachableError) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await runtime?.store.close();
  }
}
