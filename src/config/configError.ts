// The one error a bad configuration raises: every problem found, so all can be fixed at once.
// In a file of its own so that parts built at start (a factor checking its options against the
// issuer) can raise it without importing the loader.
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
