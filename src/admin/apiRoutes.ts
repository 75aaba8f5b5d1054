// The admin API under /admin/api/: the console's operations as JSON for automation. Callers
// present a Twofold access token with the admin scope: a listed service client's (client
// credentials) or an administrator's own from a sign-in with a second factor. Bodies are
// validated by the schemas the OpenAPI document is generated from; bad input is a 400 that
// names every problem and changes nothing.
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import { ClientDisconnected, isClientFault } from '../http/clientGone.js';
import type { Logger } from '../log.js';
import type { AcrLevels } from '../provider/acr.js';
import { describeIssues, InvalidInputError } from '../validation.js';
import { isAdmin } from './adminAccess.js';
import { type AdminDeps, NotFoundError } from './adminDeps.js';
import { adminScope } from './adminSession.js';
import { openApiDocument } from './openApi.js';
import { assignTokenBody, createApplicationBody, importTokensBody, logQuery, updateApplicationBody } from './schemas.js';
import { adminApplications } from './applications.js';
import { adminHardwareTokens } from './hardwareTokens.js';
import { whatIf } from './policies.js';
import { normalizeUsername } from '../accounts/validate.js';
import type { PolicySource } from '../policy/source.js';
import type { z } from 'zod';
import { perHour, readSignInLog } from './signInLog.js';
import { adminUsers } from './users.js';

export interface AdminApiDeps {
  admin: AdminDeps;
  provider: Provider;
  issuer: string;
  acr: AcrLevels;
  adminGroup: string;
  /** Service clients whose client-credentials tokens may call the API. */
  serviceClients: string[];
  log: Logger;
  policies: PolicySource;
}

/** The body as the schema reads it, or a 400 naming every problem. */
function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw new InvalidInputError(describeIssues(parsed.error));
  return parsed.data;
}

class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly problems?: string[]) {
    super(message);
  }
}

// A vendor's token file is the largest body.
const bodyLimit = 1024 * 1024;

async function readJson(ctx: Context): Promise<unknown> {
  if (!ctx.request.length && !ctx.get('transfer-encoding')) return undefined;
  if (!ctx.is('application/json')) throw new ApiError(415, 'unsupported_media_type', 'send the body as application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    // Stopping early must not destroy the request (and with it the socket, leaving the caller a
    // bare 400): the rest is read and dropped (resume), so the caller reads the 413 and its message.
    for await (const chunk of ctx.req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > bodyLimit) {
        ctx.req.resume();
        throw new ApiError(413, 'too_large', `the body must be at most ${bodyLimit} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (isClientFault(error, ctx.req)) throw new ClientDisconnected(error);
    throw error;
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'invalid_request', 'the body is not valid JSON', ['body: not valid JSON']);
  }
  // A body of `null` is not a body left out (which takes the defaults): like any non-object, refused.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'invalid_request', 'the body must be a JSON object', ['body: must be a JSON object']);
  return body;
}

export function adminApiRoutes(deps: AdminApiDeps): Router {
  const { admin, provider } = deps;
  const users = adminUsers(admin);
  const applications = adminApplications(admin);
  const tokens = adminHardwareTokens(admin);
  const router = new Router({ prefix: '/admin/api' });

  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    try {
      await next();
    } catch (error) {
      const known = error instanceof ApiError ? error
        : error instanceof InvalidInputError ? new ApiError(400, 'invalid_request', 'the request was invalid: nothing was changed', error.problems)
          : error instanceof NotFoundError ? new ApiError(404, 'not_found', error.message)
            : undefined;
      if (error instanceof ClientDisconnected) {
        ctx.status = 400;
        return;
      }
      if (!known) deps.log.error('admin api failed', { path: ctx.path, error: (error as Error).message, stack: (error as Error).stack });
      ctx.status = known?.status ?? 500;
      if (known?.status === 401) ctx.set('WWW-Authenticate', `Bearer realm="twofold-admin", error="invalid_token", scope="${adminScope}"`);
      ctx.body = known ? { error: known.code, message: known.message, ...(known.problems ? { problems: known.problems } : {}) } : { error: 'server_error', message: 'something went wrong on our side' };
    }
  });

  router.get('/openapi.json', (ctx) => {
    ctx.body = openApiDocument(deps.issuer, adminScope);
  });

  /** Who is calling, from their access token; refuses anyone else. */
  const authenticate = async (ctx: Context, next: Next) => {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(ctx.get('authorization'));
    if (!match) throw new ApiError(401, 'invalid_token', 'send an access token: Authorization: Bearer <token>');
    const value = match[1]!;
    const token = (await provider.AccessToken.find(value)) ?? (await provider.ClientCredentials.find(value));
    if (!token || token.isExpired) throw new ApiError(401, 'invalid_token', 'the access token is not valid or has expired');
    if (!String(token.scope ?? '').split(' ').includes(adminScope)) throw new ApiError(403, 'insufficient_scope', `the token lacks the ${adminScope} scope`);
    const accountId = (token as { accountId?: string }).accountId;
    if (!accountId) {
      if (!deps.serviceClients.includes(token.clientId!)) throw new ApiError(403, 'forbidden', `client '${token.clientId}' is not an admin API client`);
      ctx.state.actor = `api:${token.clientId}`;
      return next();
    }
    const account = await admin.store.accounts.findById(accountId);
    if (!account || !isAdmin(account, deps.adminGroup)) throw new ApiError(403, 'forbidden', 'the token belongs to someone who is not an administrator');
    // Only the organisation's own applications may act for an administrator: a third-party
    // application an administrator signed in to must not get the console's powers with the scope.
    if (!(await admin.store.clients.find(token.clientId!))?.firstParty) {
      throw new ApiError(403, 'forbidden', `an administrator's token counts only from a first-party application, and '${token.clientId}' is not one`);
    }
    // An administrator's token counts only from a sign-in with a second factor.
    const extra = (token as { extra?: { acr?: string; amr?: string[] } }).extra;
    const multiFactor = extra?.amr?.includes('mfa') || extra?.acr === deps.acr.mfa || extra?.acr === deps.acr.phishingResistant;
    if (!multiFactor) throw new ApiError(403, 'forbidden', 'an administrator\'s token must come from a sign-in with a second factor');
    ctx.state.actor = `admin:${account.username}`;
    return next();
  };
  const actor = (ctx: Context) => ctx.state.actor as string;

  router.get('/users', authenticate, async (ctx) => {
    ctx.body = { users: await users.search(typeof ctx.query.q === 'string' ? ctx.query.q : '') };
  });
  router.post('/users', authenticate, async (ctx) => {
    ctx.status = 201;
    ctx.body = await users.create(actor(ctx), await readJson(ctx));
  });
  router.get('/users/:id', authenticate, async (ctx) => {
    ctx.body = await users.detail(ctx.params.id!);
  });
  router.patch('/users/:id', authenticate, async (ctx) => {
    ctx.body = await users.update(actor(ctx), ctx.params.id!, await readJson(ctx));
  });
  router.delete('/users/:id/methods/:credentialId', authenticate, async (ctx) => {
    await users.removeMethod(actor(ctx), ctx.params.id!, ctx.params.credentialId!);
    ctx.status = 204;
  });
  router.post('/users/:id/reregister', authenticate, async (ctx) => {
    ctx.body = { removed: await users.requireReregistration(actor(ctx), ctx.params.id!) };
  });
  router.post('/users/:id/unlock', authenticate, async (ctx) => {
    await users.unlock(actor(ctx), ctx.params.id!);
    ctx.status = 204;
  });
  router.post('/users/:id/unblock', authenticate, async (ctx) => {
    ctx.body = { unblocked: await users.unblock(actor(ctx), ctx.params.id!) };
  });
  router.post('/users/:id/bypass', authenticate, async (ctx) => {
    const bypass = await users.issueBypass(actor(ctx), ctx.params.id!, (await readJson(ctx)) ?? {});
    ctx.status = 201;
    ctx.body = { issuedAt: new Date(bypass.issuedAt).toISOString(), expiresAt: new Date(bypass.expiresAt).toISOString(), issuedBy: bypass.issuedBy };
  });
  router.delete('/users/:id/bypass', authenticate, async (ctx) => {
    if (!(await users.revokeBypass(actor(ctx), ctx.params.id!))) throw new ApiError(404, 'not_found', 'the user has no unused bypass');
    ctx.status = 204;
  });
  router.get('/fraud-reports', authenticate, async (ctx) => {
    const reports = await admin.fraud.list({ limit: 500 });
    const at = admin.now();
    ctx.body = { reports: await Promise.all(reports.map(async (report) => ({ ...report, block: (await admin.store.fraud.blockOf(report.accountId, at)) ?? null }))) };
  });
  router.get('/sign-ins', authenticate, async (ctx) => {
    const parsed = logQuery.safeParse(ctx.query);
    if (!parsed.success) throw new ApiError(400, 'invalid_request', 'the filters were invalid', describeIssues(parsed.error));
    const entries = await readSignInLog(admin.store, parsed.data);
    ctx.body = { entries, perHour: perHour(entries) };
  });
  router.get('/applications', authenticate, async (ctx) => {
    ctx.body = { applications: await applications.list() };
  });
  router.post('/applications', authenticate, async (ctx) => {
    const body = parse(createApplicationBody, await readJson(ctx));
    const { application, secret } = await applications.add(actor(ctx), body);
    ctx.status = 201;
    ctx.body = { application, ...(secret ? { secret } : {}) };
  });
  router.get('/applications/:clientId', authenticate, async (ctx) => {
    ctx.body = await applications.get(ctx.params.clientId!);
  });
  router.patch('/applications/:clientId', authenticate, async (ctx) => {
    const body = parse(updateApplicationBody, await readJson(ctx));
    ctx.body = await applications.update(actor(ctx), ctx.params.clientId!, body);
  });
  router.post('/applications/:clientId/rotate-secret', authenticate, async (ctx) => {
    ctx.body = { secret: await applications.rotateSecret(actor(ctx), ctx.params.clientId!) };
  });

  router.get('/tokens', authenticate, async (ctx) => {
    ctx.body = { tokens: await tokens.list() };
  });
  router.post('/tokens/import', authenticate, async (ctx) => {
    const body = parse(importTokensBody, await readJson(ctx));
    ctx.body = await tokens.import(actor(ctx), body.fileName ?? `api.${body.format}`, body.file, body);
  });
  router.post('/tokens/assign', authenticate, async (ctx) => {
    const body = parse(assignTokenBody, await readJson(ctx));
    const account = await admin.store.accounts.findByUsername(normalizeUsername(body.username));
    if (!account) throw new InvalidInputError([`username: there is no user '${body.username}'`]);
    ctx.body = { outcome: await tokens.assign(actor(ctx), body.serial, account) };
  });
  router.post('/tokens/:serial/unassign', authenticate, async (ctx) => {
    ctx.body = await tokens.unassign(actor(ctx), ctx.params.serial!);
  });

  router.get('/policies/what-if', authenticate, async (ctx) => {
    const { decision, explanation } = await whatIf(admin.store, deps.policies, deps.acr, ctx.query);
    ctx.body = { decision, explanation };
  });

  router.all('/{*rest}', (ctx) => {
    throw new ApiError(404, 'not_found', `no such endpoint: ${ctx.method} ${ctx.path}`);
  });
  return router;
}
