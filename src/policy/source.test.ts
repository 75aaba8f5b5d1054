import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/tempDir.js';
import { ConfigError } from '../config/load.js';
import { createLogger } from '../log.js';
import { openPolicyFolder } from './source.js';

const policy = (require: string) => `version: 1\ndefaults:\n  require: ${require}\n`;

async function eventually(check: () => boolean, ms = 3000) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('a change to a policy file is picked up without a restart; a bad edit keeps the last good policy and logs why', async () => {
  const dir = join(tempDir(), 'policies');
  mkdirSync(dir);
  writeFileSync(join(dir, 'default.yaml'), policy('mfa'));
  const lines: string[] = [];
  const source = openPolicyFolder(dir, createLogger('info', (line) => lines.push(line)));
  try {
    expect(source.current().defaults.require).toBe('mfa');

    writeFileSync(join(dir, 'default.yaml'), policy('none'));
    await eventually(() => source.current().defaults.require === 'none');

    writeFileSync(join(dir, 'default.yaml'), policy('sometimes'));
    await eventually(() => lines.some((line) => line.includes('policy change rejected')));
    expect(source.current().defaults.require).toBe('none');
    expect(lines.find((line) => line.includes('policy change rejected'))).toContain(`default.yaml:3:12: defaults: require must be one of none, mfa, block but is 'sometimes'`);
  } finally {
    source.close();
  }
});

test('an invalid policy refuses the start, naming every problem with its file and line', () => {
  const dir = join(tempDir(), 'policies');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.yaml'), 'version: 1\ndefaults:\n  remember: soon\nrules:\n  - name: x\n    when: { network: [300.0.0.0/8] }\n');
  let error: unknown;
  try {
    openPolicyFolder(dir, createLogger('silent'), { watchChanges: false });
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems).toEqual([
    `policy: ${dir}/a.yaml:3:13: defaults: remember must be a duration such as 14d, 12h or 0 but is 'soon'`,
    `policy: ${dir}/a.yaml:6:23: rule 'x': when.network: '300.0.0.0/8' is not a CIDR block such as 203.0.113.0/24 or 2001:db8::/32`,
  ]);
});
