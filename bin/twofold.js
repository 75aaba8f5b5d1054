#!/usr/bin/env node
// The `twofold` command. Installed as a package it runs the built CLI; from a checkout it first
// rebuilds, quietly, only when a source file is newer than the last build, so most commands
// start at once.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', '.tsbuildinfo');
const compiler = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** The newest modification time under the folders the build reads. */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ['src', 'interactions']) if (existsSync(join(root, dir))) walk(join(root, dir));
  for (const file of ['tsconfig.json', 'tsconfig.build.json']) if (existsSync(join(root, file))) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  return newest;
}

const fromCheckout = existsSync(join(root, 'src')) && existsSync(compiler);
if (fromCheckout && (!existsSync(built) || statSync(built).mtimeMs < newestSource())) {
  try {
    execFileSync(process.execPath, [compiler, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    process.stderr.write('twofold: the TypeScript build failed; run `npm run build` to see why\n');
    process.exit(1);
  }
}
await import('../dist/src/cli/main.js');
