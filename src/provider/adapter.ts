// Bridges oidc-provider's adapter contract to the store: relying parties come from the
// clients the CLI manages; every other model lives in the store's generic model storage.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { OidcAdapter, Store } from '../store/types.js';
import { toClientMetadata } from './clientMetadata.js';

function clientAdapter(store: Store): OidcAdapter {
  const readOnly = async () => {
    throw new Error('clients are managed with `twofold client`, not through the provider');
  };
  return {
    async find(id) {
      const client = await store.clients.find(id);
      return client && toClientMetadata(client);
    },
    upsert: readOnly,
    destroy: readOnly,
    consume: readOnly,
    revokeByGrantId: readOnly,
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
  };
}

export function adapterFor(store: Store) {
  return (model: string): Adapter => {
    const adapter = model === 'Client' ? clientAdapter(store) : store.oidc(model);
    return adapter as unknown as Adapter & { find(id: string): Promise<AdapterPayload | undefined> };
  };
}
