// Keeps test output to results and real problems. oidc-provider warns at import on Node 20 that
// it prefers Node 22 (it runs on 20.19+, which Twofold supports: see the README); that one line,
// printed once per test file, is dropped here. Every other warning still shows.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider WARNING: Unsupported runtime')) return;
  warn(...args);
};

export {};
