// What every admin operation is given: the store and the services it changes, and who is acting.
import type { Audit } from '../audit/audit.js';
import type { FactorRegistry } from '../factors/registry.js';
import type { FraudReports } from '../fraud/fraudReports.js';
import type { Bypasses } from '../mfa/bypasses.js';
import type { Regulator } from '../regulation/regulator.js';
import type { Store } from '../store/types.js';

export interface AdminDeps {
  store: Store;
  audit: Audit;
  factors: FactorRegistry;
  regulator: Regulator;
  fraud: FraudReports;
  bypasses: Bypasses;
  now: () => number;
}

/** Who made a change, as the audit log's `actor` names them: `admin:<username>` for a person in
 * the console or with their own token, `api:<client id>` for a service client. */
export type Actor = string;

export class NotFoundError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'NotFoundError';
  }
}
