// ts-jest in ESM mode; type checking is `npm run typecheck`'s job, so tests only transpile.
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  setupFiles: ['<rootDir>/test/setup/quietKnownWarnings.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/interactions/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
  // A suite that fails badly must not leave CI waiting on a server or browser it left open.
  forceExit: true,
};
