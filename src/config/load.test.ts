import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/tempDir.js';
import { silentLogger } from '../log.js';
import { devKeysFile, generateKeyMaterial, loadKeyMaterial } from './keys.js';
import { ConfigError, loadConfig, resolveConfig } from './load.js';
import { optionSpecs } from './schema.js';

test('defaults give a development server on localhost:3000', () => {
  const config = loadConfig({ env: {} });
  expect(config).toMatchObject({ nodeEnv: 'development', port: 3000, host: '127.0.0.1', dataDir: './data', logLevel: 'info', demo: true, sessionTtl: 86400 });
  expect(config.issuer).toBeUndefined();
});

test('environment variables set options, and overrides win over them', () => {
  const config = loadConfig({
    env: { PORT: '8080', TWOFOLD_ISSUER: 'https://id.example.com', TWOFOLD_SESSION_TTL: '12h', TWOFOLD_DEMO: 'false', TWOFOLD_COOKIE_KEYS: `${'a'.repeat(32)}, ${'b'.repeat(32)}` },
    overrides: { port: 9090 },
  });
  expect(config).toMatchObject({ port: 9090, issuer: 'https://id.example.com', sessionTtl: 43200, demo: false, cookieKeys: ['a'.repeat(32), 'b'.repeat(32)] });
});

test('every invalid option is reported at once, naming the variable and the rule', () => {
  const { problems } = resolveConfig({ env: { PORT: 'eighty', TWOFOLD_ISSUER: 'id.example.com', TWOFOLD_LOG_LEVEL: 'loud', TWOFOLD_ENCRYPTION_KEY: 'short' } });
  expect(problems).toEqual([
    "PORT (option 'port') must be an integer from 0 to 65535 but is 'eighty'",
    "TWOFOLD_ISSUER (option 'issuer') must be an absolute http(s) URL without query or fragment but is 'id.example.com'",
    "TWOFOLD_ENCRYPTION_KEY (option 'encryptionKey') must be 32 bytes in base64 (44 characters) but is (hidden)",
    "TWOFOLD_LOG_LEVEL (option 'logLevel') must be one of 'silent', 'error', 'warn', 'info', 'debug' but is 'loud'",
  ]);
  expect(() => loadConfig({ env: { PORT: 'eighty' } })).toThrow(ConfigError);
});

test('an idle-connection time outside 1 second to 1 hour is refused, saying which range', () => {
  for (const value of ['0s', '2h', 'soon']) {
    expect(resolveConfig({ env: { TWOFOLD_KEEP_ALIVE: value } }).problems).toEqual([
      `TWOFOLD_KEEP_ALIVE (option 'keepAlive') must be a duration from '1s' to '1h', such as '65s' but is '${value}'`,
    ]);
  }
  expect(resolveConfig({ env: { TWOFOLD_KEEP_ALIVE: '10m' } }).config.keepAlive).toBe(600);
});

test('a YAML config file is read, with unknown options and bad values reported with the file name', () => {
  const dir = tempDir();
  const file = join(dir, 'twofold.yaml');
  writeFileSync(file, 'port: 4000\nissuer: https://id.example.com\nprots: 1\nlogLevel: 7\n');
  const { config, problems } = resolveConfig({ env: { TWOFOLD_CONFIG: file } });
  expect(config.port).toBe(4000);
  expect(problems).toEqual([
    `config file '${file}': unknown option 'prots' (known options: ${Object.keys(optionSpecs).join(', ')})`,
    `option 'logLevel' in ${file} must be one of 'silent', 'error', 'warn', 'info', 'debug' but is '7'`,
  ]);
  writeFileSync(file, 'port: [1\n');
  expect(resolveConfig({ env: { TWOFOLD_CONFIG: file } }).problems[0]).toMatch(new RegExp(`^config file '${file}' at line \\d+: `));
});

test('production refuses to start without its own keys, with a plain-http issuer, or with the demo, saying what to set', () => {
  const { problems } = resolveConfig({ env: { NODE_ENV: 'production', TWOFOLD_ISSUER: 'http://id.example.com', TWOFOLD_DEMO: 'true' } });
  expect(problems).toEqual([
    "TWOFOLD_ISSUER must be an https URL in production but is 'http://id.example.com' (set TWOFOLD_ALLOW_INSECURE_ISSUER=true only on a closed test network)",
    'TWOFOLD_DEMO must be false in production: the demo account has a published password',
    "TWOFOLD_COOKIE_KEYS (option 'cookieKeys') must be set in production: two or more random strings, e.g. `twofold keys generate`",
    "TWOFOLD_SIGNING_KEYS_FILE (option 'signingKeysFile') must be set in production: a JWKS file, e.g. from `twofold keys generate`",
    "TWOFOLD_ENCRYPTION_KEY (option 'encryptionKey') must be set in production: 32 random bytes in base64, e.g. from `twofold keys generate`",
  ]);
  expect(resolveConfig({ env: { NODE_ENV: 'production' } }).problems[0]).toMatch(/^TWOFOLD_ISSUER \(option 'issuer'\) must be set in production/);
});

describe('key material', () => {
  test('development generates missing keys once, keeps them private under the data folder, and reuses them', () => {
    const dataDir = tempDir();
    const config = loadConfig({ env: { TWOFOLD_DATA_DIR: dataDir } });
    const first = loadKeyMaterial(config, silentLogger);
    expect(first.problems).toEqual([]);
    expect(statSync(devKeysFile(dataDir)).mode & 0o777).toBe(0o600);
    expect(first.keys!.jwks.keys.map((k) => k.kty)).toEqual(['RSA', 'EC']);
    const second = loadKeyMaterial(config, silentLogger);
    expect(second.keys!.jwks.keys[0]!.kid).toBe(first.keys!.jwks.keys[0]!.kid);
    expect(second.keys!.encryptionKey.equals(first.keys!.encryptionKey)).toBe(true);
  });

  test('production accepts its own keys and refuses the development ones', () => {
    const dataDir = tempDir();
    loadKeyMaterial(loadConfig({ env: { TWOFOLD_DATA_DIR: dataDir } }), silentLogger);
    const dev = JSON.parse(readFileSync(devKeysFile(dataDir), 'utf8'));
    const own = generateKeyMaterial();
    const jwksFile = join(dataDir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify(own.jwks));
    const env = { NODE_ENV: 'production', TWOFOLD_ISSUER: 'https://id.example.com', TWOFOLD_DATA_DIR: dataDir, TWOFOLD_SIGNING_KEYS_FILE: jwksFile };

    const good = loadKeyMaterial(loadConfig({ env: { ...env, TWOFOLD_COOKIE_KEYS: own.cookieKeys.join(','), TWOFOLD_ENCRYPTION_KEY: own.encryptionKey } }), silentLogger);
    expect(good.problems).toEqual([]);

    const reused = loadKeyMaterial(loadConfig({ env: { ...env, TWOFOLD_COOKIE_KEYS: own.cookieKeys.join(','), TWOFOLD_ENCRYPTION_KEY: dev.encryptionKey } }), silentLogger);
    expect(reused.problems).toEqual([`TWOFOLD_ENCRYPTION_KEY holds a development key from ${devKeysFile(dataDir)}; generate production keys with \`twofold keys generate\``]);
  });

  test('a signing keys file that is not a usable private JWKS is refused with the reason', () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'jwks.json');
    const { jwks } = generateKeyMaterial();
    const publicOnly = { keys: jwks.keys.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub }) => pub) };
    writeFileSync(file, JSON.stringify(publicOnly));
    const config = loadConfig({ env: { TWOFOLD_DATA_DIR: dataDir, TWOFOLD_SIGNING_KEYS_FILE: file } });
    expect(loadKeyMaterial(config, silentLogger).problems).toEqual([
      `TWOFOLD_SIGNING_KEYS_FILE '${file}': key 1 cannot be used: it is a public key; signing needs the private key ("d")`,
      `TWOFOLD_SIGNING_KEYS_FILE '${file}': key 2 cannot be used: it is a public key; signing needs the private key ("d")`,
    ]);
    writeFileSync(file, JSON.stringify({ keys: [jwks.keys[1]] }));
    expect(loadKeyMaterial(config, silentLogger).problems).toEqual([`TWOFOLD_SIGNING_KEYS_FILE '${file}' needs an RSA key: RS256 is the default ID token algorithm`]);
    expect(existsSync(devKeysFile(dataDir))).toBe(false);
  });
});

test('TWOFOLD_WORKERS defaults to one process per core in production and one otherwise, and refuses what is not a count', () => {
  expect(loadConfig({ env: {} }).workers).toBe(1);
  const production = { NODE_ENV: 'production', TWOFOLD_ISSUER: 'https://id.example.com' };
  expect(resolveConfig({ env: production }).config.workers).toBe(availableParallelism());
  expect(resolveConfig({ env: { ...production, TWOFOLD_WORKERS: '3' } }).config.workers).toBe(3);
  expect(resolveConfig({ env: { TWOFOLD_WORKERS: '0' } }).problems).toEqual(["TWOFOLD_WORKERS (option 'workers') must be a whole number from 1 to 64 but is '0'"]);
  expect(resolveConfig({ env: { TWOFOLD_WORKERS: 'all' } }).problems).toEqual(["TWOFOLD_WORKERS (option 'workers') must be a whole number from 1 to 64 but is 'all'"]);
});

test('MONGODB_URI selects the shared store, refuses what is not a connection string without echoing it, and needs shared keys', () => {
  expect(resolveConfig({ env: { MONGODB_URI: 'postgres://user:secret@db/twofold' } }).problems).toEqual([
    "MONGODB_URI (option 'mongodbUri') must be a connection string such as 'mongodb://db1,db2,db3/twofold?replicaSet=rs0' but is (hidden)",
  ]);
  const uri = 'mongodb://db1,db2,db3/twofold?replicaSet=rs0';
  // Keys generated per data folder would differ per node: they must be given, even in development.
  expect(resolveConfig({ env: { MONGODB_URI: uri } }).problems).toEqual([
    "TWOFOLD_COOKIE_KEYS (option 'cookieKeys') must be set with MONGODB_URI (every node needs the same keys): two or more random strings, e.g. `twofold keys generate`",
    "TWOFOLD_SIGNING_KEYS_FILE (option 'signingKeysFile') must be set with MONGODB_URI (every node needs the same keys): a JWKS file, e.g. from `twofold keys generate`",
    "TWOFOLD_ENCRYPTION_KEY (option 'encryptionKey') must be set with MONGODB_URI (every node needs the same keys): 32 random bytes in base64, e.g. from `twofold keys generate`",
  ]);
  const keys = { TWOFOLD_COOKIE_KEYS: 'c'.repeat(32), TWOFOLD_SIGNING_KEYS_FILE: '/etc/twofold/keys.json', TWOFOLD_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') };
  expect(resolveConfig({ env: { MONGODB_URI: `mongodb+srv://cluster.example.com/twofold`, ...keys } })).toMatchObject({ problems: [], config: { mongodbUri: 'mongodb+srv://cluster.example.com/twofold' } });
  expect(resolveConfig({ env: {} }).config.mongodbUri).toBeUndefined();
});
