// The real server on a random port with its SQLite store in a fresh temp folder.
import { rmSync } from 'node:fs';
import type { OptionName } from '../../src/config/schema.js';
import { createLogger, type Logger } from '../../src/log.js';
import { type RunningTwofold, startTwofold } from '../../src/server.js';
import { tempDir } from './tempDir.js';

export { tempDir };

export interface TestServer extends RunningTwofold {
  dataDir: string;
  /** Log lines written so far (the server logs at debug level into memory). */
  logs: string[];
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export async function startTestServer(overrides: Partial<Record<OptionName, unknown>> = {}, dataDir = tempDir()): Promise<TestServer> {
  const logs: string[] = [];
  const log: Logger = createLogger('debug', (line) => logs.push(line));
  const twofold = await startTwofold({
    env: {},
    overrides: { nodeEnv: 'test', port: 0, host: '127.0.0.1', dataDir, demo: false, ...overrides },
    log,
  });
  return {
    ...twofold,
    dataDir,
    logs,
    async stop({ keepData = false } = {}) {
      await twofold.close();
      // Let keep-alive sockets pooled by fetch in this process see the close before reuse.
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
