// The policy files a server last loaded without a problem, kept in the data folder, so that
// `policy explain` can answer with what the server enforces while the files on disk are broken.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadPolicyTexts, type PolicyText } from './load.js';
import type { PolicySet } from './types.js';

export const lastGoodPolicyFile = (dataDir: string) => join(dataDir, 'policy-last-good.json');

const snapshot = z.object({
  folder: z.string(),
  loadedAt: z.string(),
  files: z.array(z.object({ path: z.string(), text: z.string() })),
});

/** Written whole or not at all: a reader never sees half a file. */
export function saveLastGoodPolicy(file: string, folder: string, files: PolicyText[], now = new Date()): void {
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify({ folder, loadedAt: now.toISOString(), files }), { mode: 0o600 });
  renameSync(partial, file);
}

/** The last good policy of `folder`, or undefined when none was kept (or it was kept for another folder). */
export function readLastGoodPolicy(file: string, folder: string): { policy: PolicySet; loadedAt: string } | undefined {
  if (!existsSync(file)) return undefined;
  let parsed;
  try {
    parsed = snapshot.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
  if (!parsed.success || parsed.data.folder !== folder) return undefined;
  const { policy } = loadPolicyTexts(folder, parsed.data.files);
  return policy ? { policy, loadedAt: parsed.data.loadedAt } : undefined;
}
