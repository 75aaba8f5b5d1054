// ts-jest in ESM mode; type checking is `npm run typecheck`'s job, so tests only transpile.
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // Our sources import './x.js' for './x.ts'. Not '.json.js': libphonenumber-js imports its
  // metadata as 'metadata.max.json.js' (an ES module), and dropping the '.js' there loaded the
  // raw JSON with a deprecation warning per import.
  moduleNameMapper: { '^(\\.{1,2}/.*)(?<!\\.json)\\.js$': '$1' },
  setupFiles: ['<rootDir>/test/setup/quietKnownWarnings.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/interactions/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
  // A suite that fails badly must not leave CI waiting on a server or browser it left open:
  // the teardown ends the run 5 s after the last test if something still holds it, and says so.
  globalTeardown: '<rootDir>/test/setup/exitWhenDone.js',
};
