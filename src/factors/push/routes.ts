// The authenticator's endpoints, outside the sign-in pages: the web app itself at /authenticator,
// and the device API under /authenticator/api, authenticated by the device's signature (no
// cookies, so no CSRF). Bad input gets a 4xx with a message and changes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { isClientFault } from '../../http/clientGone.js';
import { publicDir } from '../../paths.js';
import type { PushStore, PushWatch } from '../../store/types.js';
import type { PushDevices } from './devices.js';
import { publicKeySchema, signatureSchema } from './protocol.js';

const bodyLimit = 4096;

class BadRequest extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function readJson(ctx: Context): Promise<unknown> {
  if (!ctx.is('application/json')) throw new BadRequest(415, 'Send JSON (Content-Type: application/json).');
  const chunks: Buffer[] = [];
  let size = 0;
  // Without destroyOnReturn the socket survives a 413 and the rest is dropped (resume), so the client reads it.
  for await (const chunk of ctx.req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > bodyLimit) {
      ctx.req.resume();
      throw new BadRequest(413, 'The request is too large.');
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequest(400, 'The request is not valid JSON.');
  }
}

const activateBody = z.object({
  code: z.string().min(1).max(40),
  publicKey: publicKeySchema,
  name: z.string().trim().min(1).max(64),
  signature: signatureSchema,
});

const answerBody = z.object({
  device: z.string().min(1).max(64),
  decision: z.enum(['approve', 'deny', 'fraud']),
  number: z.string().regex(/^\d{0,2}$/).default(''),
  signature: signatureSchema,
});

const subscribeBody = z.object({
  device: z.string().min(1).max(64),
  ts: z.number().int(),
  endpoint: z.string().url().max(1000),
  // The browser's P-256 public key (65 bytes) and 16-byte secret, base64url.
  p256dh: z.string().regex(/^[A-Za-z0-9_-]{86,88}$/),
  auth: z.string().regex(/^[A-Za-z0-9_-]{21,24}$/),
  signature: signatureSchema,
});

const readQuery = z.object({ device: z.string().min(1).max(64), ts: z.coerce.number().int(), sig: signatureSchema });

const failures = {
  unknown_code: [400, 'That activation code is not valid, was used already or has expired. Start the setup again for a new one.'],
  bad_signature: [401, 'The signature does not match the device key.'],
  unknown_device: [401, 'This device is not registered, or was removed.'],
  unknown_request: [404, 'There is no such request for this account.'],
  expired: [410, 'The request has expired.'],
  already_answered: [409, 'The request was already answered.'],
  endpoint_not_allowed: [400, 'That push service is not one this server sends to (see TWOFOLD_PUSH_SERVICE_ORIGINS).'],
  not_configured: [404, 'This server sends no Web Push messages (no VAPID keys are configured).'],
} as const;

function fail(ctx: Context, reason: keyof typeof failures) {
  const [status, message] = failures[reason];
  ctx.status = status;
  ctx.body = { error: reason, message };
}

/** The web app's files: the page, its manifest and its service worker live under /authenticator
 * so the worker's scope is the app. */
function appFiles() {
  const dir = join(publicDir, 'factors', 'push', 'app');
  const file = (name: string, type: string) => ({ body: readFileSync(join(dir, name)), type });
  return {
    '/authenticator': file('index.html', 'text/html; charset=utf-8'),
    '/authenticator/manifest.webmanifest': file('manifest.webmanifest', 'application/manifest+json'),
    '/authenticator/sw.js': file('sw.js', 'text/javascript; charset=utf-8'),
    '/authenticator/app.js': file('app.js', 'text/javascript; charset=utf-8'),
  } as Record<string, { body: Buffer; type: string }>;
}

export function pushRoutes(devices: PushDevices, push: PushStore, options: { pollMs: number; now: () => number; vapidPublicKey?: string }): Router {
  const router = new Router();
  const files = appFiles();

  router.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof BadRequest) {
        ctx.status = error.status;
        ctx.body = { error: 'invalid_request', message: error.message };
      } else if (isClientFault(error, ctx.req)) {
        ctx.status = 400;
      } else throw error;
    }
  });

  for (const [path, { body, type }] of Object.entries(files)) {
    router.get(path, (ctx) => {
      ctx.type = type;
      ctx.body = body;
      ctx.set('Cache-Control', 'no-cache');
    });
  }
  router.get('/authenticator/', (ctx) => ctx.redirect('/authenticator'));

  router.post('/authenticator/api/activate', async (ctx) => {
    const parsed = activateBody.safeParse(await readJson(ctx));
    if (!parsed.success) throw new BadRequest(400, `Send code, publicKey (a P-256 JWK), name and signature: ${parsed.error.issues.map((issue) => issue.path.join('.') || 'body').join(', ')} not valid.`);
    const result = await devices.activate(parsed.data);
    if (!result.ok) return fail(ctx, result.reason);
    ctx.status = 201;
    ctx.body = result;
  });

  // For the setup page's script: whether a device has used the activation yet. The id is an
  // unguessable random value the page holds; the answer says nothing else.
  router.get('/authenticator/api/activations/:id', async (ctx) => {
    const activation = /^[0-9a-f-]{36}$/.test(ctx.params.id!) ? await push.getActivation(ctx.params.id!) : undefined;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: !activation || activation.expiresAt <= options.now() ? 'expired' : activation.device ? 'activated' : 'waiting' };
  });

  const authenticated = async (ctx: Context) => {
    const parsed = readQuery.safeParse(ctx.query);
    if (!parsed.success) throw new BadRequest(400, 'Send device, ts and sig.');
    const credential = await devices.authenticateRead(parsed.data.device, ctx.path, parsed.data.ts, parsed.data.sig);
    if (!credential) fail(ctx, 'unknown_device');
    return credential;
  };

  router.get('/authenticator/api/requests', async (ctx) => {
    const credential = await authenticated(ctx);
    if (!credential) return;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { requests: await devices.pendingFor(credential) };
  });

  // The event stream: the store says when the account may have a new request, from whichever
  // node started it (a change stream on a MongoDB replica set, polling otherwise: the store's
  // watchRequests decides), and the stream sends those this device has not had yet.
  router.get('/authenticator/api/stream', async (ctx) => {
    const credential = await authenticated(ctx);
    if (!credential) return;
    const stream = new PassThrough();
    ctx.req.socket.setTimeout(0);
    ctx.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    ctx.status = 200;
    ctx.body = stream;
    const sent = new Set<string>();
    let closed = false;
    const send = async () => {
      if (closed) return;
      try {
        // A device removed while streaming stops hearing anything at once.
        if (!(await devices.device(credential.externalId!))) return stream.end();
        for (const request of await devices.pendingFor(credential)) {
          if (closed || sent.has(request.id)) continue;
          sent.add(request.id);
          stream.write(`event: request\ndata: ${JSON.stringify(request)}\n\n`);
        }
      } catch {
        stream.end();
      }
    };
    // One read at a time: a wake while one runs asks for one more after it, never a pile-up.
    let running = false;
    let again = false;
    const wake = () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      void (async () => {
        do {
          again = false;
          await send();
        } while (again && !closed);
        running = false;
      })();
    };
    stream.write(': connected\n\n');
    // A comment every 15 s keeps proxies from closing a quiet stream, and checks the device is
    // still there where changes arrive rarely.
    const keepAlive = setInterval(() => {
      if (!closed) stream.write(': keep-alive\n\n');
      wake();
    }, 15_000);
    let watch: PushWatch | undefined;
    // The device hung up (or the stream ended): no more watching for it.
    const stop = () => {
      closed = true;
      clearInterval(keepAlive);
      watch?.close();
      if (!stream.destroyed) stream.destroy();
    };
    ctx.res.on('close', stop);
    stream.on('close', stop);
    wake();
    try {
      watch = await push.watchRequests(credential.accountId, wake, { pollMs: options.pollMs });
    } catch {
      return stream.end();
    }
    // The device left while the watch was starting.
    if (closed) watch.close();
  });

  // Web Push: the key a browser subscribes with, and the subscription it then registers.
  router.get('/authenticator/api/web-push', (ctx) => {
    if (!options.vapidPublicKey) return fail(ctx, 'not_configured');
    ctx.body = { publicKey: options.vapidPublicKey };
  });
  router.post('/authenticator/api/subscription', async (ctx) => {
    if (!options.vapidPublicKey) return fail(ctx, 'not_configured');
    const parsed = subscribeBody.safeParse(await readJson(ctx));
    if (!parsed.success) throw new BadRequest(400, 'Send device, ts, endpoint, p256dh, auth (the subscription\'s keys, base64url) and signature.');
    const { device, ts, signature, ...subscription } = parsed.data;
    const result = await devices.subscribe({ deviceId: device, timestamp: ts, signature, ...subscription });
    if (result !== 'ok') return fail(ctx, result);
    ctx.status = 204;
  });

  router.post('/authenticator/api/requests/:id/answer', async (ctx) => {
    const parsed = answerBody.safeParse(await readJson(ctx));
    if (!parsed.success) throw new BadRequest(400, 'Send device, decision (approve, deny or fraud), number (the digits typed) and signature.');
    if (!/^[0-9a-f-]{36}$/.test(ctx.params.id!)) return fail(ctx, 'unknown_request');
    const result = await devices.answer({ deviceId: parsed.data.device, requestId: ctx.params.id!, decision: parsed.data.decision, number: parsed.data.number, signature: parsed.data.signature });
    if (!result.ok) return fail(ctx, result.reason);
    ctx.body = { status: result.status };
  });

  return router;
}
