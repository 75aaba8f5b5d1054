// The real server on a random port with its SQLite store in a fresh temp folder, and a
// policy folder written for the test.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OptionName } from '../../src/config/schema.js';
import { createLogger, type Logger } from '../../src/log.js';
import { type RunningTwofold, startTwofold } from '../../src/server.js';
import { tempDir } from './tempDir.js';

export { tempDir };

export interface TestServer extends RunningTwofold {
  dataDir: string;
  policyDir: string;
  /** Log lines written so far (the server logs at debug level into memory). */
  logs: string[];
  /** Twofold's clock (real time plus an offset): move it forward with `advance`. */
  clock: { now(): number; advance(ms: number): void };
  /** Replaces the policy and reloads it now (the file watcher would, a moment later). */
  setPolicy(yaml: string): void;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** A policy with only the defaults section, from YAML mapping lines. */
export const policyWith = (defaults: string, rules = '[]') => `version: 1\ndefaults:\n${defaults.trim().split('\n').map((l) => `  ${l.trim()}`).join('\n')}\nrules: ${rules}\n`;

export const policies = {
  /** Sign-in with a password alone: for tests of the OpenID Connect machinery. */
  passwordOnly: policyWith('require: none'),
  /** Everyone needs a second factor and must set one up; devices may be remembered for a week. */
  mfaForAll: policyWith('require: mfa\nmethods: [totp]\nremember: 7d\nenrollment: required'),
  /** The same, with recovery codes among the methods (as the shipped policy has them). */
  mfaWithRecovery: policyWith('require: mfa\nmethods: [totp, recovery]\nremember: 7d\nenrollment: required'),
};

export async function startTestServer(
  overrides: Partial<Record<OptionName, unknown>> = {},
  { dataDir = tempDir(), policy = policies.passwordOnly }: { dataDir?: string; policy?: string } = {},
): Promise<TestServer> {
  const logs: string[] = [];
  let offset = 0;
  const clock = {
    now: () => Date.now() + offset,
    advance(ms: number) {
      offset += ms;
    },
  };
  // Text unless the test asks for JSON (TWOFOLD_LOG_FORMAT's other value).
  const log: Logger = createLogger('debug', { format: overrides.logFormat === 'json' ? 'json' : 'text', write: (line) => logs.push(line) });
  const policyDir = join(dataDir, 'policies');
  mkdirSync(policyDir, { recursive: true });
  writeFileSync(join(policyDir, 'policy.yaml'), policy);
  const twofold = await startTwofold({
    env: {},
    overrides: { nodeEnv: 'test', port: 0, host: '127.0.0.1', dataDir, policies: policyDir, demo: false, ...overrides },
    log,
    now: clock.now,
  });
  return {
    ...twofold,
    clock,
    dataDir,
    policyDir,
    logs,
    setPolicy(yaml) {
      writeFileSync(join(policyDir, 'policy.yaml'), yaml);
      const problems = twofold.policies.reload();
      if (problems.length) throw new Error(problems.join('\n'));
    },
    async stop({ keepData = false } = {}) {
      await twofold.close();
      // Let keep-alive sockets pooled by fetch in this process see the close before reuse.
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
