// Keeps test output to results and real problems. Two oidc-provider warnings are artefacts of
// where the tests run, and are dropped here; every other warning still shows.
// - At import on Node 20 it says it prefers Node 22 (it runs on 20.19+, which Twofold supports:
//   see the README), once per test file.
// - When it first fetches a client's keys or sector document it looks for the dispatcher Node's
//   own fetch keeps on globalThis, to add its SSRF check. Jest runs each test file in a sandbox
//   with a globalThis of its own, without that dispatcher, so the lookup fails there; under Node
//   itself it finds it (`node -e 'Response; globalThis[Symbol.for("undici.globalDispatcher.1")]'`).
const artefacts = ['oidc-provider WARNING: Unsupported runtime', 'oidc-provider WARNING: failed to setup SSRF protection for fetch'];
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && artefacts.some((artefact) => (args[0] as string).startsWith(artefact))) return;
  warn(...args);
};

export {};
