// The grants a kept oidc-provider Session holds, for Store.endAccountSessions's keepSessionUid:
// each client it signed in to names its grant in `authorizations`. Shared by both adapters.
import type { OidcPayload } from './types.js';

export function keptGrants(session: OidcPayload | undefined, accountId: string): string[] {
  if (!session || session.accountId !== accountId) return [];
  const authorizations = (session.authorizations ?? {}) as Record<string, { grantId?: unknown }>;
  return Object.values(authorizations).map((authorization) => authorization?.grantId).filter((id): id is string => typeof id === 'string');
}
