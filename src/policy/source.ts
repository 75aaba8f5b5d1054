// The live policy: loaded at start (refusing to start when invalid) and reloaded when a
// file in the folder changes; a bad edit keeps the last good policy and logs why.
import { type FSWatcher, watch } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../config/load.js';
import type { Logger } from '../log.js';
import { saveLastGoodPolicy } from './lastGood.js';
import { formatFinding, type PolicyFinding } from './lint.js';
import { loadPolicySet } from './load.js';
import type { PolicySet } from './types.js';

export interface PolicyFolderOptions {
  watchChanges?: boolean;
  /** Where to keep the files of each policy loaded without a problem (lastGood.ts), for `policy explain`. */
  lastGood?: string;
  /** Findings about a valid policy (lint.ts), logged as warnings each time one is loaded. */
  check?: (policy: PolicySet) => PolicyFinding[];
}

export interface PolicySource {
  current(): PolicySet;
  /** Reloads now; resolves with the problems that kept the old policy, if any. */
  reload(): string[];
  close(): void;
}

/** A fixed policy, for the plugin's hosts and tests that build one in code. */
export function staticPolicy(policy: PolicySet): PolicySource {
  return { current: () => policy, reload: () => [], close: () => {} };
}

export function openPolicyFolder(dir: string, log: Logger, { watchChanges = true, lastGood, check }: PolicyFolderOptions = {}): PolicySource {
  const folder = resolve(dir);
  const first = loadPolicySet(folder);
  if (!first.policy) throw new ConfigError(first.problems.map((problem) => `policy: ${problem}`));
  let policy = first.policy;
  log.info(`policies loaded from ${folder}: ${policy.rules.length} rules`);
  /** What comes with every policy taken into use: its findings, and a copy for `policy explain`. */
  const adopted = (loaded: ReturnType<typeof loadPolicySet>) => {
    for (const finding of check?.(loaded.policy!) ?? []) log.warn(`policy ${formatFinding(finding)}`);
    if (!lastGood || !loaded.files) return;
    try {
      saveLastGoodPolicy(lastGood, folder, loaded.files);
    } catch (error) {
      log.warn('could not keep a copy of the policy for `policy explain`', { error: (error as Error).message });
    }
  };
  adopted(first);

  const reload = () => {
    const next = loadPolicySet(folder);
    if (!next.policy) {
      log.error('policy change rejected; keeping the last good policy', { problems: next.problems });
      return next.problems;
    }
    policy = next.policy;
    log.info(`policies reloaded from ${folder}: ${policy.rules.length} rules`);
    adopted(next);
    return [];
  };

  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (watchChanges) {
    watcher = watch(folder, () => {
      clearTimeout(timer);
      // Editors write in several steps; reload once they are done.
      timer = setTimeout(reload, 150);
    });
    watcher.on('error', (error) => log.error('policy folder watch failed', { error: error.message }));
  }
  return {
    current: () => policy,
    reload,
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
