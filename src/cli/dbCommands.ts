// `twofold db migrate | export <file> | import <file>`: the store's schema and moving all of its
// data between stores (SQLite to MongoDB and back).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { loadConfig } from '../config/load.js';
import { describeStore } from '../store/openStore.js';
import { exportLines, ImportRefusedError, readExport } from '../store/transfer/exportFile.js';
import { transferTables } from '../store/transfer/types.js';
import { createSecretBox } from '../crypto/secretBox.js';
import type { Runtime } from '../runtime.js';
import { createAudit } from '../audit/audit.js';
import { silentLogger } from '../log.js';
import type { Store } from '../store/types.js';
import { cliActor } from './actor.js';
import { parseCommand } from './args.js';
import { type CliIo, UsageError } from './io.js';

/** Like every change made from the command line, in the audit log with the operating-system user. */
const audited = (store: Store, type: string, reason: string) => createAudit(store.audit, silentLogger).record({ type, result: 'info', actor: cliActor(), reason });

export const dbUsage = ['twofold db migrate', 'twofold db export <file>', 'twofold db import <file> [--no-transaction]'];

export async function dbCommand(runtime: () => Promise<Runtime>, [sub, ...argv]: string[], io: CliIo): Promise<number> {
  if (sub === 'migrate') {
    parseCommand('db migrate', argv, {}, []);
    const config = loadConfig({ env: io.env });
    if (!config.mongodbUri) {
      // SQLite brings its file up to date whenever Twofold opens it.
      await runtime();
      io.out(`${describeStore(config)}: up to date (SQLite migrates whenever Twofold opens it)`);
      return 0;
    }
    const [{ openMongoConnection }, { migrateMongo }] = await Promise.all([import('../store/mongo/connection.js'), import('../store/mongo/migrate.js')]);
    const connection = await openMongoConnection(config.mongodbUri);
    try {
      const { collections, indexes } = await migrateMongo(connection);
      io.out(`MongoDB: ${collections} collections and ${indexes} indexes in place`);
    } finally {
      await connection.close();
    }
    return 0;
  }
  if (sub === 'export') {
    const { args: [file] } = parseCommand('db export', argv, {}, ['file']);
    const { store, keys, config } = await runtime();
    // The file holds password and code hashes and sealed secrets: only its owner may read it;
    // an existing file is never overwritten.
    let out: ReturnType<typeof createWriteStream>;
    try {
      // Inside the try: a name Node refuses outright (a NUL byte) throws here, not on 'open'.
      out = createWriteStream(file!, { flags: 'wx', mode: 0o600 });
      await once(out, 'open');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      io.err(`error: db export: cannot write '${file}'${code === 'EEXIST' ? ': it exists already (it is never overwritten)' : `: ${fileProblem(error)}`}`);
      return 1;
    }
    let rows = -2;
    for await (const line of exportLines(store.transfer(), createSecretBox(keys.encryptionKey, keys.previousEncryptionKeys))) {
      rows += 1;
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    // Reading every hash and sealed secret out of the store is worth a line in its log.
    await audited(store, 'db.export', `${rows} records to ${file}`);
    io.out(`exported ${rows} records from ${describeStore(config)} to ${file}`);
    return 0;
  }
  if (sub === 'import') {
    const { values, args: [file] } = parseCommand('db import', argv, { 'no-transaction': { type: 'boolean' } }, ['file']);
    const { store, keys, config } = await runtime();
    const transfer = store.transfer();
    try {
      const tables = await readExport(file!, createSecretBox(keys.encryptionKey, keys.previousEncryptionKeys), transfer.rowsVersion);
      if (!(await transfer.isEmpty())) throw new ImportRefusedError([`${describeStore(config)} already holds data: import only into an empty store`]);
      // Where the store has transactions (SQLite, a MongoDB replica set) the import is one, always.
      // Without them a failure part way leaves part of the data: only on the operator's word.
      const noTransactions = await transfer.transactionsUnavailable();
      if (noTransactions && !values['no-transaction']) {
        throw new ImportRefusedError([
          `${describeStore(config)}: ${noTransactions}: an import that failed part way would leave part of the data behind`,
          'import into a replica set (a single-member one will do), or pass --no-transaction to import without one',
        ]);
      }
      try {
        await transfer.load(tables, { transaction: !noTransactions });
      } catch (error) {
        // The file was well formed but the store refused a record (a duplicate id, say).
        io.err(`error: ${describeStore(config)} refused a record: ${(error as Error).message}`);
        io.err(noTransactions ? 'the import stopped part way: drop the database, run `twofold db migrate`, and import again' : 'nothing was imported');
        return 1;
      }
      const counts = transferTables.map((table) => [table, tables.get(table)!.length] as const).filter(([, n]) => n > 0);
      const total = counts.reduce((sum, [, n]) => sum + n, 0);
      await audited(store, 'db.import', `${total} records from ${file}`);
      io.out(`imported ${total} records into ${describeStore(config)}: ${counts.map(([t, n]) => `${t} ${n}`).join(', ')}`);
      return 0;
    } catch (error) {
      if (error instanceof ImportRefusedError) {
        error.problems.forEach((problem) => io.err(`error: ${problem}`));
        io.err('nothing was imported');
        return 1;
      }
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        io.err(`error: db import: no file '${file}'`);
        return 1;
      }
      if (isFileError(error)) {
        io.err(`error: db import: cannot read '${file}': ${fileProblem(error)}`);
        return 1;
      }
      throw error;
    }
  }
  throw new UsageError(sub ? `db: unknown command '${sub}'` : 'db: which command?');
}

/** A file name or file the system refused (too long, a NUL byte, a folder, no permission). */
const isFileError = (error: unknown) => /^(E[A-Z]+|ERR_INVALID_ARG_VALUE|ERR_INVALID_ARG_TYPE)$/.test(String((error as NodeJS.ErrnoException).code));
const fileProblem = (error: unknown) => ((error as NodeJS.ErrnoException).code?.startsWith('ERR_INVALID_ARG') ? 'not a usable file name' : String((error as NodeJS.ErrnoException).code));
