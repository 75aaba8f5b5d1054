import { resolve } from 'node:path';
import { normalizeUsername } from '../accounts/validate.js';
import { acrLevels } from '../provider/acr.js';
import { decide } from '../policy/decide.js';
import { configuredOffer } from '../factors/offer.js';
import { explainDecision } from '../policy/explain.js';
import { lastGoodPolicyFile, readLastGoodPolicy } from '../policy/lastGood.js';
import { formatFinding, lintPolicy } from '../policy/lint.js';
import { loadPolicySet } from '../policy/load.js';
import { loadPolicyTests, runPolicyTests } from '../policy/policyTests.js';
import type { Config } from '../config/schema.js';
import type { Runtime } from '../runtime.js';
import { InvalidInputError } from '../validation.js';
import { parseCommand } from './args.js';
import { type CliIo, UsageError } from './io.js';

export const policyUsage = [
  'twofold policy explain --user <username> --client <client_id> [--ip <address>] [--acr <value>]... [--group <group>]...',
  'twofold policy test [--dir <policy folder>]',
];

function loadPolicies(dir: string) {
  const { policy, problems } = loadPolicySet(resolve(dir));
  if (!policy) throw new InvalidInputError(problems.map((problem) => `policy: ${problem}`));
  return policy;
}

/** The policy on disk or, while the files there are broken, the last good one a server loaded
 * (it keeps enforcing that one), saying so. */
function policyToExplain(config: Config, io: CliIo) {
  const folder = resolve(config.policies);
  const { policy, problems } = loadPolicySet(folder);
  if (policy) return policy;
  const kept = readLastGoodPolicy(lastGoodPolicyFile(config.dataDir), folder);
  const broken = problems.map((problem) => `policy: ${problem}`);
  if (!kept) throw new InvalidInputError([...broken, `policy explain: the policy files are broken and no server has recorded a last good policy in ${config.dataDir}`]);
  io.err(`warning: the policy files in ${folder} are broken, so a change there has not taken effect:`);
  for (const problem of broken) io.err(`  ${problem}`);
  io.err(`warning: a running server keeps enforcing the last good policy (loaded ${kept.loadedAt}); this explains that one`);
  return kept.policy;
}

export async function policyCommand(open: { runtime(): Promise<Runtime>; config(): Config }, [sub, ...argv]: string[], io: CliIo): Promise<number> {
  switch (sub) {
    case 'explain': {
      const { values } = parseCommand('policy explain', argv, {
        user: { type: 'string' }, client: { type: 'string' }, ip: { type: 'string' },
        acr: { type: 'string', multiple: true }, group: { type: 'string', multiple: true },
      }, []);
      if (!values.user || !values.client) throw new UsageError('policy explain: --user and --client are required');
      const { config, store } = await open.runtime();
      const policy = policyToExplain(config, io);
      const account = await store.accounts.findByUsername(normalizeUsername(values.user));
      if (!account && !values.group) {
        throw new InvalidInputError([`policy explain: there is no user '${values.user}' (give --group to ask about someone not yet added)`]);
      }
      if (!(await store.clients.find(values.client))) io.err(`note: there is no client '${values.client}'; explaining anyway`);
      const levels = acrLevels(config.acrPhishingResistant);
      const shorthand: Record<string, string> = { sfa: levels.sfa, mfa: levels.mfa, 'phishing-resistant': levels.phishingResistant };
      const decision = decide({
        account: { id: account?.id ?? values.user, username: account?.username ?? values.user, groups: values.group ?? account!.groups },
        client: { id: values.client },
        request: { ip: values.ip ?? '', acr: (values.acr ?? []).map((value) => shorthand[value] ?? value) },
        acrLevels: levels,
      }, policy);
      explainDecision(decision, policy, configuredOffer(config)).forEach((line) => io.out(line));
      return 0;
    }
    case 'test': {
      const { values } = parseCommand('policy test', argv, { dir: { type: 'string' } }, []);
      const config = open.config();
      const dir = values.dir ?? config.policies;
      const policy = loadPolicies(dir);
      const levels = acrLevels(config.acrPhishingResistant);
      const { cases, problems } = loadPolicyTests(resolve(dir), levels);
      if (problems.length) throw new InvalidInputError(problems.map((problem) => `policy test: ${problem}`));
      // Warnings and notes do not fail the run: the policy is valid, maybe not what was meant.
      for (const finding of lintPolicy(policy, configuredOffer(config))) io.out(formatFinding(finding));
      const results = runPolicyTests(policy, cases, levels);
      for (const result of results) {
        io.out(`${result.mismatches.length ? 'FAIL' : 'ok  '}  ${result.name}`);
        for (const mismatch of result.mismatches) io.out(`        ${mismatch} (rule '${result.decision.rule}', ${result.source})`);
      }
      const failed = results.filter((result) => result.mismatches.length).length;
      io.out(`${results.length - failed} passed, ${failed} failed`);
      return failed ? 1 : 0;
    }
    default:
      throw new UsageError(sub ? `policy: unknown command '${sub}'` : 'policy: which command?');
  }
}
