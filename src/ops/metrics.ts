// What Twofold counts for Prometheus, in one object passed to the few places that feed it: the
// HTTP layer (latency by route pattern), the store (latency by operation), the audit events the
// code already writes (sign-in steps, second factors, lockouts, fraud reports, policy decisions),
// the phone service (texts and calls) and oidc-provider's events (sign-ins by client). Every label
// value comes from a fixed set or from configuration (client ids, rule names, method ids), never
// from what a request typed, so the number of series stays bounded.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuditInput } from '../audit/audit.js';

export interface Metrics {
  readonly registry: Registry;
  http(route: string, method: string, status: number, seconds: number): void;
  storeCall(operation: string, seconds: number, failed: boolean): void;
  /** One audit event, as the store receives it. */
  audit(event: AuditInput): void;
  phoneSend(kind: 'text' | 'call', result: string): void;
  pushDelivered(seconds: number): void;
  signIn(result: string, client: string): void;
}

const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const storeSeconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const pushSeconds = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];

/** A second-factor or password answer's outcome, from the audit record's result and reason. */
export function attemptResult(event: Pick<AuditInput, 'result' | 'reason'>): string {
  if (event.result === 'ok') return 'ok';
  const reason = event.reason ?? '';
  if (reason.startsWith('locked')) return 'locked';
  if (reason.startsWith('network limit')) return 'network_limited';
  if (reason.startsWith('send limit')) return 'send_limited';
  if (reason.startsWith('second factor blocked')) return 'blocked';
  if (reason.startsWith('expired')) return 'expired';
  if (reason.startsWith('denied')) return 'denied';
  return 'failed';
}

const label = (value: string | null | undefined, fallback = 'none') => (value ? value.slice(0, 64) : fallback);

export function createMetrics({ defaultMetrics = true }: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'twofold_' });
  const registers = [registry];

  const httpDuration = new Histogram({
    name: 'twofold_http_request_duration_seconds', help: 'Time to answer an HTTP request, by route pattern (never the raw path), method and status class.',
    labelNames: ['route', 'method', 'status'], buckets: seconds, registers,
  });
  const storeDuration = new Histogram({
    name: 'twofold_store_operation_duration_seconds', help: 'Time a store operation took, by repository and operation, and whether it failed.',
    labelNames: ['operation', 'outcome'], buckets: storeSeconds, registers,
  });
  const signIns = new Counter({
    name: 'twofold_sign_ins_total', help: "Authorization requests answered to a relying party: result 'ok' or the OAuth error sent (access_denied, login_required, ...), by client.",
    labelNames: ['result', 'client'], registers,
  });
  const firstFactor = new Counter({
    name: 'twofold_first_factor_attempts_total', help: 'Password and passkey sign-in attempts (and the password grant), by method and result.',
    labelNames: ['method', 'result'], registers,
  });
  const secondFactor = new Counter({
    name: 'twofold_second_factor_attempts_total', help: "Second-factor answers by method, step ('verify' at sign-in, 'enroll' at setup) and result.",
    labelNames: ['method', 'step', 'result'], registers,
  });
  const lockouts = new Counter({
    name: 'twofold_lockout_refusals_total', help: "Attempts refused because the account was locked after repeated failures, by factor ('password', 'second_factor').",
    labelNames: ['factor'], registers,
  });
  const fraudReports = new Counter({
    name: 'twofold_fraud_reports_total', help: 'Sign-ins reported as fraud by the person (push "this was not me", 0# on a call), by method.',
    labelNames: ['method'], registers,
  });
  const phoneSends = new Counter({
    name: 'twofold_phone_sends_total', help: "Texts and calls: 'sent', or why not ('not-allowed', 'limited', 'unreachable').",
    labelNames: ['kind', 'result'], registers,
  });
  const pushDelivery = new Histogram({
    name: 'twofold_push_delivery_seconds', help: 'From a push sign-in request being made to an authenticator device first fetching it (per process).',
    buckets: pushSeconds, registers,
  });
  const policyDecisions = new Counter({
    name: 'twofold_policy_decisions_total', help: 'Sign-in policy decisions, by the rule that matched and what it required.',
    labelNames: ['rule', 'require'], registers,
  });

  return {
    registry,
    http: (route, method, status, duration) => httpDuration.observe({ route, method, status: `${Math.floor(status / 100)}xx` }, duration),
    storeCall: (operation, duration, failed) => storeDuration.observe({ operation, outcome: failed ? 'error' : 'ok' }, duration),
    phoneSend: (kind, result) => phoneSends.inc({ kind, result }),
    pushDelivered: (duration) => pushDelivery.observe(duration),
    signIn: (result, client) => signIns.inc({ result: label(result), client: label(client, 'unknown') }),
    audit(event) {
      const result = attemptResult(event);
      switch (event.type) {
        case 'password':
        case 'passkey':
        case 'password.grant':
          firstFactor.inc({ method: event.type === 'password.grant' ? 'password_grant' : event.type, result });
          if (result === 'locked') lockouts.inc({ factor: event.type === 'passkey' ? 'second_factor' : 'password' });
          break;
        case 'mfa.verify':
        case 'mfa.enroll':
          if (event.result === 'info') break;
          secondFactor.inc({ method: label(event.method), step: event.type === 'mfa.verify' ? 'verify' : 'enroll', result });
          if (result === 'locked') lockouts.inc({ factor: 'second_factor' });
          break;
        case 'mfa.challenge':
          if (result === 'locked') lockouts.inc({ factor: 'second_factor' });
          break;
        case 'fraud.report':
          fraudReports.inc({ method: label(event.method) });
          break;
        case 'policy':
          policyDecisions.inc({ rule: label(event.rule), require: /^require (\w+)/.exec(event.reason ?? '')?.[1] ?? 'unknown' });
          break;
        default:
      }
    },
  };
}
