// The MongoDB store's errors, in a module without mongoose, so that the CLI and the server can
// recognise them without loading the driver (about 30 MiB and a third of a second per process)
// when the store is SQLite.

/** MongoDB's duplicate-key error: a unique index refused the write. */
export const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

/** The replica set could not be reached; the message names the hosts, never the credentials. */
export class MongoUnreachableError extends Error {
  constructor(uri: string, cause: Error) {
    super(`cannot reach MongoDB at ${uri.replace(/^(mongodb(\+srv)?:\/\/)[^@/]*@/, '$1').replace(/[?#].*$/, '')}: ${cause.message}`, { cause });
    this.name = 'MongoUnreachableError';
  }
}

export class MongoNotMigratedError extends Error {
  constructor(found: number, needed: number) {
    super(found > needed
      ? `the MongoDB database is at version ${found}, newer than this Twofold knows (${needed}); upgrade Twofold`
      : `the MongoDB database is at version ${found}, this Twofold needs ${needed}: run \`twofold db migrate\` first (it creates the collections and indexes)`);
    this.name = 'MongoNotMigratedError';
  }
}
