// A fraud report as the voice or push method files one, straight into the server's store.
import { createAudit } from '../../src/audit/audit.js';
import { createFraudReports } from '../../src/fraud/fraudReports.js';
import { silentLogger } from '../../src/log.js';
import type { TestServer } from './server.js';

export function reportFraud(server: TestServer, accountId: string, username: string) {
  const reports = createFraudReports({ store: server.store.fraud, audit: createAudit(server.store.audit, silentLogger, server.clock.now), rule: 'until-unblocked', now: server.clock.now });
  return reports.report({ accountId, username, clientId: 'wiki', ip: '198.51.100.7', userAgent: 'Firefox', method: 'voice' });
}
