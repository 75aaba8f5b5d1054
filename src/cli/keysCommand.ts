import { writeFileSync } from 'node:fs';
import { generateKeyMaterial } from '../config/keys.js';
import { parseCommand } from './args.js';
import { type CliIo, UsageError } from './io.js';

export const keysUsage = ['twofold keys generate --jwks-out <file>'];

/** Fresh production keys: prints the environment lines and writes the signing keys file. */
export async function keysCommand([sub, ...argv]: string[], io: CliIo): Promise<void> {
  if (sub !== 'generate') throw new UsageError(sub ? `keys: unknown command '${sub}'` : 'keys: which command?');
  const { values } = parseCommand('keys generate', argv, { 'jwks-out': { type: 'string' } }, []);
  if (!values['jwks-out']) throw new UsageError('keys generate: say where to write the signing keys with --jwks-out <file>');
  const keys = generateKeyMaterial();
  try {
    writeFileSync(values['jwks-out'], `${JSON.stringify(keys.jwks, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`keys generate: cannot write '${values['jwks-out']}'${code === 'EEXIST' ? ': it exists already (it is never overwritten)' : `: ${code}`}`);
  }
  io.out(`TWOFOLD_SIGNING_KEYS_FILE=${values['jwks-out']}`);
  io.out(`TWOFOLD_COOKIE_KEYS=${keys.cookieKeys.join(',')}`);
  io.out(`TWOFOLD_ENCRYPTION_KEY=${keys.encryptionKey}`);
}
