// An oidc-provider deployment with its own accounts and login page, adding Twofold's
// policy-driven second factor. The lines marked "Twofold" are all it takes.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Router from '@koa/router';
import Koa from 'koa';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';
import { createTwofold, openPolicyFolder, openTwofoldStore } from '../../src/index.js';

/** oidc-provider's sessions, grants and codes. A real host keeps them in its database; this one
 * keeps them in memory, which is what oidc-provider's own development adapter does. */
class MemoryAdapter implements Adapter {
  static readonly rows = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  constructor(private readonly model: string) {}
  private key = (id: string) => `${this.model}:${id}`;
  async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
    MemoryAdapter.rows.set(this.key(id), { payload, expiresAt: Date.now() + expiresIn * 1000 });
  }
  async find(id: string) {
    const row = MemoryAdapter.rows.get(this.key(id));
    return row && row.expiresAt > Date.now() ? row.payload : undefined;
  }
  private async findBy(field: 'uid' | 'userCode', value: string) {
    for (const [key, row] of MemoryAdapter.rows) if (key.startsWith(`${this.model}:`) && row.payload[field] === value && row.expiresAt > Date.now()) return row.payload;
    return undefined;
  }
  findByUid = (uid: string) => this.findBy('uid', uid);
  findByUserCode = (userCode: string) => this.findBy('userCode', userCode);
  async consume(id: string) {
    const row = MemoryAdapter.rows.get(this.key(id));
    if (row) row.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string) {
    MemoryAdapter.rows.delete(this.key(id));
  }
  async revokeByGrantId(grantId: string) {
    for (const [key, row] of MemoryAdapter.rows) if (row.payload.grantId === grantId) MemoryAdapter.rows.delete(key);
  }
}

/** The host's own accounts (a real host has a database). */
const people = new Map([['ada', { id: 'ada', password: 'analytical engine', groups: ['staff'] }]]);

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const loginPage = (uid: string, error = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host sign-in</title></head><body>
<h1>Sign in to the host</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="username">Username</label><input id="username" name="username">
<label for="password">Password</label><input id="password" name="password" type="password">
<button type="submit">Sign in</button></form></body></html>`;

export interface PluginHost {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  close(): Promise<void>;
}

/** `log` takes Twofold's messages (the policy loaded, its warnings); the host's logger in real life. */
export async function startPluginHost({ dataDir, policyDir, log = console }: { dataDir: string; policyDir: string; log?: Parameters<typeof openPolicyFolder>[1] }): Promise<PluginHost> {
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const client = { client_id: 'host-app', client_secret: randomBytes(32).toString('base64url'), redirect_uris: ['https://host-app.example.com/callback'] };

  // Twofold: its store, the policy folder, and how to look up the host's accounts.
  const store = await openTwofoldStore({ file: join(dataDir, 'twofold.db'), encryptionKey: randomBytes(32) });
  const policies = openPolicyFolder(policyDir, log, { watchChanges: false });
  const twofold = createTwofold({
    store, policies, cookieKeys, issuerName: 'Host', issuer, // issuer: passkeys are bound to its host
    directory: { find: async (id) => (people.has(id) ? { id, username: id, groups: people.get(id)!.groups } : undefined) },
  });

  // A real host loads its signing keys from storage; this one makes one at each start.
  const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'host-1', alg: 'RS256', use: 'sig' };
  const provider = new Provider(issuer, {
    adapter: MemoryAdapter,
    jwks: { keys: [signingKey] },
    // How long a sign-in may take, a session and a grant last: the host's choice, made here.
    ttl: { Interaction: 3600, Session: 14 * 86400, Grant: 14 * 86400, AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600 },
    clients: [client],
    cookies: { keys: cookieKeys },
    features: { devInteractions: { enabled: false }, resourceIndicators: { enabled: false } },
    pkce: { required: () => true },
    findAccount: async (_ctx, id) => (people.has(id) ? { accountId: id, claims: async () => ({ sub: id }) } : undefined),
    claims: { openid: twofold.openidClaims }, // Twofold: amr and acr in ID tokens
    acrValues: twofold.acrValues, // Twofold
    interactions: { policy: twofold.interactionPolicy() }, // Twofold: the mfa prompt after login
  });

  const app = new Koa({ keys: cookieKeys });
  app.use(twofold.routes(provider)); // Twofold: its pages under /interaction/:uid/mfa
  const router = new Router();
  // The host's own login page stays at oidc-provider's default URL, so Twofold's pages below it
  // get the interaction cookie. That cookie is SameSite=Lax: a cross-site post never has it.
  router.get('/interaction/:uid', async (ctx) => {
    const { uid, prompt, params, session } = await provider.interactionDetails(ctx.req, ctx.res);
    if (prompt.name === 'mfa') return ctx.redirect(`/interaction/${uid}/mfa`); // Twofold: a session that needs a second factor
    if (prompt.name === 'consent') {
      // The host's only application is its own: grant what it asks for without a page.
      const grant = new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
      grant.addOIDCScope(String(params.scope));
      const grantId = await grant.save();
      return provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    ctx.type = 'html';
    ctx.body = loginPage(uid);
  });
  router.post('/interaction/:uid/login', async (ctx) => {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    const person = people.get(form.get('username') ?? '');
    if (!person || person.password !== form.get('password')) {
      ctx.type = 'html';
      ctx.body = loginPage(ctx.params.uid!, 'Wrong username or password.');
      return;
    }
    await twofold.completeLogin(ctx, provider, { accountId: person.id, amr: ['pwd'] }); // Twofold, instead of interactionFinished
  });
  app.use(router.routes());
  const handleProtocol = provider.callback();
  app.use(async (ctx) => {
    ctx.respond = false;
    await handleProtocol(ctx.req, ctx.res);
  });
  server.on('request', app.callback());

  return {
    issuer,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    redirectUri: client.redirect_uris[0]!,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      policies.close();
      await store.close();
    },
  };
}
