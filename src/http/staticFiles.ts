// Serves the files under public/ from memory: the set is fixed at start, so no path from a
// request ever reaches the file system.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { Context, Next } from 'koa';

const types: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]);
}

export function staticFiles(prefix: string, dir: string) {
  const files = new Map(listFiles(dir).map((file) => [
    `${prefix}/${relative(dir, file).split('\\').join('/')}`,
    { body: readFileSync(file), type: types[extname(file)] ?? 'application/octet-stream' },
  ]));
  return async (ctx: Context, next: Next) => {
    const file = ctx.method === 'GET' || ctx.method === 'HEAD' ? files.get(ctx.path) : undefined;
    if (!file) return next();
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.type = file.type;
    ctx.body = file.body;
  };
}
