// The reference for `npm run bench`: a minimal hand-written oidc-provider app doing the same
// work as a Twofold sign-in, and nothing else. Same password check (argon2id, same library and
// parameters, the decoy for unknown users), same TOTP check with the time step claimed once,
// same SQLite store and signing keys; no policy, no regulation, no audit, no CSRF, bare pages.
// Started by bench/run.ts with its settings in BENCH_MINIMAL (JSON); prints "listening" when ready.
import { createServer } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import Provider, { type Configuration } from 'oidc-provider';
import { checkPassword } from '../../src/accounts/checkPassword.js';
import { createSecretBox } from '../../src/crypto/secretBox.js';
import { matchTotp, normalizeCode } from '../../src/factors/otpCodes.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';

interface Settings {
  port: number;
  dbFile: string;
  encryptionKey: string;
  cookieKeys: string[];
  jwks: { keys: object[] };
  clients: Configuration['clients'];
}

const settings = JSON.parse(process.env.BENCH_MINIMAL ?? '{}') as Settings;
const issuer = `http://127.0.0.1:${settings.port}`;
const store = await openSqliteStore({ file: settings.dbFile, box: createSecretBox(Buffer.from(settings.encryptionKey, 'base64')) });
const acr = { sfa: 'https://refeds.org/profile/sfa', mfa: 'https://refeds.org/profile/mfa' };

const provider = new Provider(issuer, {
  adapter: ((model: string) => store.oidc(model)) as unknown as Configuration['adapter'],
  clients: settings.clients,
  cookies: { keys: settings.cookieKeys },
  jwks: settings.jwks as Configuration['jwks'],
  acrValues: [acr.sfa, acr.mfa],
  claims: { openid: ['sub', 'acr', 'amr', 'auth_time'] },
  scopes: ['openid', 'offline_access'],
  features: {
    devInteractions: { enabled: false },
    resourceIndicators: { enabled: false },
    introspection: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
    revocation: { enabled: true },
    clientCredentials: { enabled: true },
  },
  responseTypes: ['code'],
  pkce: { required: () => true },
  ttl: { AccessToken: 3600, AuthorizationCode: 60, ClientCredentials: 600, IdToken: 3600, Interaction: 1800, RefreshToken: 14 * 86400, Grant: 14 * 86400, Session: 86400 },
  // Like Twofold for its first-party applications: grant what is asked, without a consent round trip.
  async loadExistingGrant(ctx) {
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId || oidc.session!.grantIdFor(oidc.client!.clientId);
    const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    if (!oidc.session?.accountId) return existing;
    const grant = existing ?? new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session.accountId });
    grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
    await grant.save();
    return grant;
  },
  findAccount: async (_ctx, sub) => {
    const account = await store.accounts.findById(sub);
    return account && !account.disabled ? { accountId: account.id, claims: async () => ({ sub: account.id }) } : undefined;
  },
});

const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;
const loginPage = (uid: string) => page('Sign in', `<form method="post" action="/interaction/${uid}/login">
<label for="username">Username</label><input id="username" name="username"><label for="password">Password</label><input id="password" name="password" type="password">
<button type="submit">Sign in</button></form>`);
const codePage = (uid: string) => page('Enter your code', `<form method="post" action="/interaction/${uid}/totp">
<label for="code">Code</label><input id="code" name="code" inputmode="numeric"><button type="submit">Verify</button></form>`);

async function readForm(req: NodeJS.ReadableStream): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

const router = new Router();
router.get('/interaction/:uid', async (ctx) => {
  const { uid, prompt, params, session, grantId } = await provider.interactionDetails(ctx.req, ctx.res);
  if (prompt.name === 'consent') {
    const grant = (grantId && (await provider.Grant.find(grantId))) || new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
    grant.addOIDCScope(String(params.scope));
    return provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }
  ctx.type = 'html';
  ctx.body = loginPage(uid);
});
router.post('/interaction/:uid/login', async (ctx) => {
  const { uid } = await provider.interactionDetails(ctx.req, ctx.res);
  const form = await readForm(ctx.req);
  const account = await store.accounts.findByUsername((form.get('username') ?? '').trim().toLowerCase());
  const check = await checkPassword(store.accounts, account, form.get('password') ?? '');
  ctx.type = 'html';
  if (!check.ok) {
    ctx.status = 401;
    ctx.body = loginPage(uid);
    return;
  }
  // The password is done: remember whose it was on the interaction, and ask for the code.
  await provider.interactionResult(ctx.req, ctx.res, { password: { accountId: check.account.id } });
  ctx.body = codePage(uid);
});
router.post('/interaction/:uid/totp', async (ctx) => {
  const { uid, result } = await provider.interactionDetails(ctx.req, ctx.res);
  const accountId = (result as { password?: { accountId: string } } | undefined)?.password?.accountId;
  const code = normalizeCode((await readForm(ctx.req)).get('code') ?? '');
  if (!accountId) {
    ctx.status = 400;
    ctx.body = 'Sign in with your password first.';
    return;
  }
  const now = Date.now();
  for (const credential of await store.credentials.list(accountId)) {
    if (credential.method !== 'totp' || !credential.secret) continue;
    const step = await matchTotp(credential.secret, code, Math.floor(now / 1000));
    if (step !== undefined && (await store.credentials.claimStep(credential.id, step, now))) {
      return provider.interactionFinished(ctx.req, ctx.res, { login: { accountId, acr: acr.mfa, amr: ['pwd', 'otp', 'mfa'] } });
    }
  }
  ctx.status = 401;
  ctx.type = 'html';
  ctx.body = codePage(uid);
});

const app = new Koa();
app.use(router.routes());
const handleProtocol = provider.callback();
app.use(async (ctx) => {
  ctx.respond = false;
  await handleProtocol(ctx.req, ctx.res);
});
const server = createServer(app.callback());
server.listen(settings.port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void store.close().then(() => process.exit(0)));
});
