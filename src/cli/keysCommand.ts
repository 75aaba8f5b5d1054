// `twofold keys`: fresh production keys, the signing key rotation steps (a next key published
// before it signs, the old one kept for verification, then dropped), and re-encrypting stored
// secrets under a new encryption key. README "Key rotation" has the whole procedure.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { generateKeyMaterial, generateSigningKeys, type SigningJwk } from '../config/keys.js';
import type { Runtime } from '../runtime.js';
import { parseCommand } from './args.js';
import { InvalidInputError } from '../validation.js';
import { type CliIo, UsageError } from './io.js';

export const keysUsage = [
  'twofold keys generate --jwks-out <file>',
  'twofold keys signing add|promote|prune --jwks <file>',
  'twofold keys rotate [--batch <rows>]',
];

export async function keysCommand([sub, ...argv]: string[], io: CliIo, runtime: () => Promise<Runtime>): Promise<void> {
  if (sub === 'generate') return generate(argv, io);
  if (sub === 'signing') return signing(argv, io);
  if (sub === 'rotate') return rotate(argv, io, runtime);
  throw new UsageError(sub ? `keys: unknown command '${sub}'` : 'keys: which command?');
}

/** Fresh production keys: prints the environment lines and writes the signing keys file. */
function generate(argv: string[], io: CliIo) {
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

const stateOf = (jwk: SigningJwk) => jwk.state ?? 'active';

/** One step of a signing key rotation, on the key set file every node reads at start. */
function signing([step, ...argv]: string[], io: CliIo) {
  if (!step || !['add', 'promote', 'prune'].includes(step)) throw new UsageError(step ? `keys signing: unknown step '${step}' (add, promote or prune)` : 'keys signing: which step? add, promote or prune');
  const { values } = parseCommand(`keys signing ${step}`, argv, { jwks: { type: 'string' } }, []);
  const file = values.jwks;
  if (!file) throw new UsageError(`keys signing ${step}: name the signing keys file with --jwks <file> (TWOFOLD_SIGNING_KEYS_FILE)`);
  let keys: SigningJwk[];
  try {
    keys = (JSON.parse(readFileSync(file, 'utf8')) as { keys: SigningJwk[] }).keys;
    if (!Array.isArray(keys)) throw new Error('no "keys" array');
  } catch (error) {
    throw new UsageError(`keys signing ${step}: cannot read '${file}' as a JSON Web Key Set: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const count = (state: string) => keys.filter((jwk) => stateOf(jwk) === state).length;
  let next: SigningJwk[];
  if (step === 'add') {
    if (count('next')) throw new UsageError(`keys signing add: '${file}' has next keys already; promote them first`);
    next = [...keys, ...generateSigningKeys('next').keys];
  } else if (step === 'promote') {
    if (!count('next')) throw new UsageError(`keys signing promote: '${file}' has no next keys; add them first (and publish them for a while)`);
    next = keys.map((jwk) => ({ ...jwk, state: stateOf(jwk) === 'next' ? 'active' : stateOf(jwk) === 'active' ? 'retired' : jwk.state }));
  } else {
    if (!count('retired')) throw new UsageError(`keys signing prune: '${file}' has no retired keys`);
    next = keys.filter((jwk) => stateOf(jwk) !== 'retired');
  }
  // Written beside it and renamed over it: a node starting meanwhile reads the old set or the new, never half.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ keys: next }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, file);
  for (const jwk of next) io.out(`${stateOf(jwk).padEnd(7)} ${jwk.kty.padEnd(3)} ${jwk.alg ?? ''} ${jwk.kid}`);
  io.out(`written to ${file}; restart every node (one at a time) so they publish and sign with it`);
}

/** Re-encrypts every stored secret under TWOFOLD_ENCRYPTION_KEY, in batches, resumably. */
async function rotate(argv: string[], io: CliIo, runtime: () => Promise<Runtime>) {
  const { values } = parseCommand('keys rotate', argv, { batch: { type: 'string' } }, []);
  const batch = values.batch === undefined ? 500 : Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) throw new UsageError(`keys rotate: --batch must be a whole number from 1 to 100000 but is '${values.batch}'`);
  const { store, config } = await runtime();
  if (!config.previousEncryptionKeys?.length) io.err('note: TWOFOLD_PREVIOUS_ENCRYPTION_KEYS is empty, so only values already under the current key can be read');
  const report = await store.resealSecrets({ batch });
  let unreadable = 0;
  for (const column of report.columns) {
    unreadable += column.unreadable;
    if (column.resealed || column.current || column.unreadable) io.out(`${column.name}: ${column.resealed} re-encrypted, ${column.current} already current${column.unreadable ? `, ${column.unreadable} UNREADABLE` : ''}`);
  }
  const total = report.columns.reduce((sum, column) => sum + column.resealed, 0);
  io.out(`${total} values re-encrypted under the current key`);
  if (unreadable) throw new InvalidInputError([`keys rotate: ${unreadable} values open under none of the configured keys: add the key they were sealed with to TWOFOLD_PREVIOUS_ENCRYPTION_KEYS and run it again`]);
}
