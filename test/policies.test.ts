// The policies Twofold ships, and their examples, pass their own expectations.
import { join } from 'node:path';
import { loadPolicySet } from '../src/policy/load.js';
import { loadPolicyTests, runPolicyTests } from '../src/policy/policyTests.js';
import { acrLevels } from '../src/provider/acr.js';
import { packageRoot } from '../src/paths.js';

const levels = acrLevels('http://schemas.openid.net/pape/policies/2007/06/phishing-resistant');

describe.each([['policies'], ['policies/examples/office-and-contractors']])('%s', (folder) => {
  const dir = join(packageRoot, folder);
  const { policy, problems } = loadPolicySet(dir);
  const tests = loadPolicyTests(dir, levels);

  test('the policy loads and its tests read without problems', () => {
    expect(problems).toEqual([]);
    expect(tests.problems).toEqual([]);
    expect(tests.cases.length).toBeGreaterThan(0);
  });

  test.each(tests.cases.map((c) => [c.name, c]))('%s', (_name, testCase) => {
    const [result] = runPolicyTests(policy!, [testCase], levels);
    expect(result!.mismatches).toEqual([]);
  });
});
