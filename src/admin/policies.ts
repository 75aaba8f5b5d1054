// The Policies page: the loaded policy files as they are (read-only: they stay files, reviewed
// and tested like code), their `policy test` results, and "what if" (as `twofold policy
// explain` answers it) for a user, groups, application, address and requested acr.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { z } from 'zod';
import { normalizeUsername } from '../accounts/validate.js';
import { isIP } from 'node:net';
import { decide } from '../policy/decide.js';
import { explainDecision } from '../policy/explain.js';
import { policyFiles } from '../policy/load.js';
import { loadPolicyTests, runPolicyTests } from '../policy/policyTests.js';
import type { PolicySource } from '../policy/source.js';
import type { AcrLevels } from '../provider/acr.js';
import type { Store } from '../store/types.js';
import { describeIssues, InvalidInputError } from '../validation.js';

export const whatIfQuery = z.object({
  user: z.string().trim().min(1, 'is required').max(128),
  groups: z.string().max(1000).optional(),
  client: z.string().trim().min(1, 'is required').max(128),
  ip: z.string().trim().refine((value) => value === '' || isIP(value) !== 0, 'must be an IPv4 or IPv6 address').optional(),
  acr: z.enum(['', 'mfa', 'phishing-resistant']).optional(),
}).strict();

export function policyOverview(dir: string, policies: PolicySource, levels: AcrLevels) {
  const folder = resolve(dir);
  const files = policyFiles(folder).map((file) => ({ name: basename(file), text: readFileSync(file, 'utf8') }));
  const { cases, problems } = loadPolicyTests(folder, levels);
  const results = runPolicyTests(policies.current(), cases, levels);
  return { folder, files, problems, results: results.map(({ name, source, mismatches, decision }) => ({ name, source, mismatches, rule: decision.rule })) };
}

/** The decision and its trace for a sign-in that has not happened, under the live policy. */
export async function whatIf(store: Pick<Store, 'accounts'>, policies: PolicySource, levels: AcrLevels, input: unknown) {
  const parsed = whatIfQuery.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(describeIssues(parsed.error));
  const { user, client, ip = '', acr = '' } = parsed.data;
  const account = await store.accounts.findByUsername(normalizeUsername(user));
  const groups = parsed.data.groups?.trim() ? parsed.data.groups.split(',').map((group) => group.trim()).filter(Boolean) : undefined;
  if (!account && !groups) throw new InvalidInputError([`user: there is no user '${user}' (give groups to ask about someone not yet added)`]);
  const policy = policies.current();
  const decision = decide({
    account: { id: account?.id ?? user, username: account?.username ?? user, groups: groups ?? account!.groups },
    client: { id: client },
    request: { ip, acr: acr === 'mfa' ? [levels.mfa] : acr === 'phishing-resistant' ? [levels.phishingResistant] : [] },
    acrLevels: levels,
  }, policy);
  return { decision, explanation: explainDecision(decision, policy) };
}
