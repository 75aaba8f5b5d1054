// Starts the servers under test as separate processes on loopback, waits until they say they
// listen, and stops them; their data folders are seeded here first, directly through the store.
import { registerClient } from '../src/clients/registerClient.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSecret } from 'otplib';
import { hashPassword } from '../src/accounts/password.js';
import { generateKeyMaterial } from '../src/config/keys.js';
import { createSecretBox } from '../src/crypto/secretBox.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { BenchAccount } from './accountPool.js';

const here = dirname(fileURLToPath(import.meta.url));
/** `.js` when running the compiled bench, `.ts` under a TypeScript loader (the jest test). */
const ext = extname(fileURLToPath(import.meta.url));
export const scripts = { twofold: join(here, '..', 'src', `main${ext}`), minimal: join(here, 'minimal', `server${ext}`) };

export const benchClient = { clientId: 'bench-rp', secret: 'bench-client-secret-that-is-long-enough-0123456789', redirectUri: 'https://rp.bench.example/callback' };

export interface RunningServer {
  name: string;
  issuer: string;
  pid: number;
  /** The last lines it wrote, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** Accounts with the same password and each its own authenticator seed. */
export function makeAccounts(count: number): BenchAccount[] {
  return Array.from({ length: count }, (_, i) => ({ username: `bench${i}`, password: 'bench password, long enough', totpSecret: generateSecret({ length: 20 }) }));
}

export async function seedStore(dbFile: string, encryptionKey: Buffer, accounts: BenchAccount[], { registerBenchClient }: { registerBenchClient: boolean }) {
  mkdirSync(dirname(dbFile), { recursive: true });
  const store = await openSqliteStore({ file: dbFile, box: createSecretBox(encryptionKey) });
  try {
    // Every account has the same password: one hash, verified at full cost on every sign-in.
    const passwordHash = await hashPassword(accounts[0]!.password);
    for (const account of accounts) {
      const { id } = await store.accounts.create({ username: account.username, passwordHash });
      await store.credentials.add({ accountId: id, method: 'totp', secret: account.totpSecret });
    }
    if (registerBenchClient) {
      await registerClient(store.clients, {
        clientId: benchClient.clientId, name: 'Bench', firstParty: true, redirectUris: [benchClient.redirectUri],
        secret: benchClient.secret, grantTypes: ['authorization_code', 'client_credentials'],
      });
    }
  } finally {
    await store.close();
  }
}

function startProcess(name: string, script: string, env: Record<string, string>, ready: RegExp, issuer: string): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let exited = false;
  const exit = new Promise<void>((done) => child.once('exit', () => {
    exited = true;
    done();
  }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s:\n${lines.join('')}`)), 60_000);
    const watch = (chunk: Buffer) => {
      const text = chunk.toString();
      lines.push(text);
      if (lines.length > 40) lines.shift();
      if (ready.test(text)) {
        clearTimeout(timer);
        resolve({
          name,
          issuer,
          pid: child.pid!,
          output: () => lines.join(''),
          async stop() {
            if (exited) return;
            child.kill('SIGTERM');
            const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            await exit;
            clearTimeout(killer);
          },
        });
      }
    };
    child.stdout!.on('data', watch);
    child.stderr!.on('data', watch);
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready:\n${lines.join('')}`));
    });
  });
}

export interface ServerSetup {
  dir: string;
  keys: ReturnType<typeof generateKeyMaterial>;
}

export function prepareKeys(dir: string): ServerSetup {
  mkdirSync(dir, { recursive: true });
  return { dir, keys: generateKeyMaterial() };
}

const benchPolicy = `version: 1
defaults:
  require: mfa
  methods: [totp]
  remember: 0
  enrollment: required
rules: []
`;

/** Twofold as `npm start` runs it, in production mode, with its own keys and a policy asking everyone for a code. */
export async function startTwofold({ dir, keys }: ServerSetup, workers: number): Promise<RunningServer> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify(keys.jwks), { mode: 0o600 });
  mkdirSync(join(dir, 'policies'), { recursive: true });
  writeFileSync(join(dir, 'policies', 'policy.yaml'), benchPolicy);
  return startProcess(`Twofold (${workers} worker${workers > 1 ? 's' : ''})`, scripts.twofold, {
    NODE_ENV: 'production',
    PORT: String(port),
    TWOFOLD_HOST: '127.0.0.1',
    TWOFOLD_ISSUER: issuer,
    TWOFOLD_ALLOW_INSECURE_ISSUER: 'true',
    TWOFOLD_DATA_DIR: join(dir, 'data'),
    TWOFOLD_POLICIES: join(dir, 'policies'),
    TWOFOLD_COOKIE_KEYS: keys.cookieKeys.join(','),
    TWOFOLD_SIGNING_KEYS_FILE: jwksFile,
    TWOFOLD_ENCRYPTION_KEY: keys.encryptionKey,
    TWOFOLD_DEMO: 'false',
    TWOFOLD_WORKERS: String(workers),
  }, /Twofold is listening/, issuer);
}

export async function startMinimal({ dir, keys }: ServerSetup): Promise<RunningServer> {
  const port = await freePort();
  const settings = {
    port,
    dbFile: join(dir, 'minimal.db'),
    encryptionKey: keys.encryptionKey,
    cookieKeys: keys.cookieKeys,
    jwks: keys.jwks,
    clients: [{
      client_id: benchClient.clientId, client_secret: benchClient.secret, redirect_uris: [benchClient.redirectUri],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
    }],
  };
  return startProcess('minimal oidc-provider app', scripts.minimal, { NODE_ENV: 'production', BENCH_MINIMAL: JSON.stringify(settings) }, /listening/, `http://127.0.0.1:${port}`);
}
