// The README is part of the product: keep it in step with the code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usage } from '../src/cli/run.js';
import { configTable } from '../src/config/configTable.js';
import { packageRoot } from '../src/paths.js';

const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');

test('the README opens with the two commands a newcomer types', () => {
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(firstBlock).toContain('npm install && npm start');
  expect(firstBlock).toContain('npm install && npm test');
});

test('the README lists every configuration option as the schema defines it', () => {
  expect(readme).toContain(configTable());
});

test('the README shows every CLI command', () => {
  for (const line of usage().slice(1)) expect(readme).toContain(line.trim());
});
