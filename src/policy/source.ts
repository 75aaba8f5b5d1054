// The live policy: loaded at start (refusing to start when invalid) and reloaded when a
// file in the folder changes; a bad edit keeps the last good policy and logs why.
import { type FSWatcher, watch } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../config/load.js';
import type { Logger } from '../log.js';
import { loadPolicySet } from './load.js';
import type { PolicySet } from './types.js';

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

export function openPolicyFolder(dir: string, log: Logger, { watchChanges = true } = {}): PolicySource {
  const folder = resolve(dir);
  const first = loadPolicySet(folder);
  if (!first.policy) throw new ConfigError(first.problems.map((problem) => `policy: ${problem}`));
  let policy = first.policy;
  log.info(`policies loaded from ${folder}: ${policy.rules.length} rules`);

  const reload = () => {
    const next = loadPolicySet(folder);
    if (!next.policy) {
      log.error('policy change rejected; keeping the last good policy', { problems: next.problems });
      return next.problems;
    }
    policy = next.policy;
    log.info(`policies reloaded from ${folder}: ${policy.rules.length} rules`);
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
