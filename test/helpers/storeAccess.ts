// Opens the store of a data folder the way the CLI does, for tests that seed or inspect it.
import { openRuntime } from '../../src/runtime.js';
import type { Store } from '../../src/store/types.js';

export async function withStore(dataDir: string, use: (store: Store) => Promise<void>) {
  const { store } = await openRuntime({ env: { NODE_ENV: 'test', TWOFOLD_DATA_DIR: dataDir, TWOFOLD_LOG_LEVEL: 'silent' } });
  try {
    await use(store);
  } finally {
    await store.close();
  }
}
