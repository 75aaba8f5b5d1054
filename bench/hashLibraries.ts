// Compares argon2id libraries with Twofold's parameters (19 MiB, t=2, p=1) on this machine:
// time per verification, and how many verifications per second one core and all cores do.
// Run: npm run bench -- --hash-libraries. Candidates not installed are skipped, saying so.
import { availableParallelism } from 'node:os';

export interface HashLibraryResult {
  name: string;
  /** Why it was not measured. */
  skipped?: string;
  verifyMs?: { p50: number; mean: number };
  /** Verifications per second with as many running at once as there are cores. */
  perSecondAllCores?: number;
}

interface Candidate {
  name: string;
  load(): Promise<{ hash(password: string): Promise<string>; verify(hash: string, password: string): Promise<boolean> }>;
}

const params = { memoryKiB: 19456, time: 2, parallelism: 1, hashLength: 32 };
const password = 'correct horse battery staple';

const candidates: Candidate[] = [
  {
    name: 'argon2 (node-gyp, libargon2 reference C)',
    async load() {
      // Twofold used it before @node-rs/argon2; no longer a dependency, so measured only when present.
      const name = 'argon2';
      const { default: argon2 } = (await import(name)) as { default: { argon2id: number; hash(p: string, o: object): Promise<string>; verify(h: string, p: string): Promise<boolean> } };
      const options = { type: argon2.argon2id, memoryCost: params.memoryKiB, timeCost: params.time, parallelism: params.parallelism };
      return { hash: (p) => argon2.hash(p, options), verify: (h, p) => argon2.verify(h, p) };
    },
  },
  {
    name: '@node-rs/argon2 (napi-rs, RustCrypto argon2)',
    async load() {
      const argon2 = await import('@node-rs/argon2');
      const options = { algorithm: 2, memoryCost: params.memoryKiB, timeCost: params.time, parallelism: params.parallelism } as const;
      return { hash: (p) => argon2.hash(p, options), verify: (h, p) => argon2.verify(h, p) };
    },
  },
  {
    name: 'hash-wasm (WebAssembly)',
    async load() {
      const name = 'hash-wasm';
      const wasm = (await import(name)) as {
        argon2id(o: object): Promise<string>;
        argon2Verify(o: object): Promise<boolean>;
      };
      return {
        hash: (p) => wasm.argon2id({ password: p, salt: crypto.getRandomValues(new Uint8Array(16)), iterations: params.time, memorySize: params.memoryKiB, parallelism: params.parallelism, hashLength: params.hashLength, outputType: 'encoded' }),
        verify: (h, p) => wasm.argon2Verify({ password: p, hash: h }),
      };
    },
  },
  {
    name: '@noble/hashes (pure JavaScript)',
    async load() {
      const name = '@noble/hashes/argon2.js';
      const noble = (await import(name)) as { argon2idAsync(p: string, s: Uint8Array, o: object): Promise<Uint8Array> };
      const salt = crypto.getRandomValues(new Uint8Array(16));
      const run = (p: string) => noble.argon2idAsync(p, salt, { t: params.time, m: params.memoryKiB, p: params.parallelism, dkLen: params.hashLength });
      // No PHC-string helpers: time the raw derivation, which is what a verification costs.
      return { hash: async (p) => Buffer.from(await run(p)).toString('base64'), verify: async (h, p) => Buffer.from(await run(p)).toString('base64') === h };
    },
  },
];

async function measure(candidate: Candidate, { rounds }: { rounds: number }): Promise<HashLibraryResult> {
  let lib: Awaited<ReturnType<Candidate['load']>>;
  try {
    lib = await candidate.load();
  } catch (error) {
    return { name: candidate.name, skipped: `not installed (${(error as Error).message.split('\n')[0]})` };
  }
  const hash = await lib.hash(password);
  if (!(await lib.verify(hash, password)) || (await lib.verify(hash, 'wrong'))) return { name: candidate.name, skipped: 'verification gave a wrong answer' };
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    await lib.verify(hash, password);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const cores = availableParallelism();
  const parallelRounds = Math.max(rounds, cores * 4);
  const start = process.hrtime.bigint();
  let next = 0;
  await Promise.all(Array.from({ length: cores }, async () => {
    while (next++ < parallelRounds) await lib.verify(hash, password);
  }));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    name: candidate.name,
    verifyMs: { p50: times[Math.floor(times.length / 2)]!, mean: times.reduce((a, b) => a + b, 0) / times.length },
    perSecondAllCores: parallelRounds / seconds,
  };
}

export async function compareHashLibraries({ rounds = 30 } = {}): Promise<HashLibraryResult[]> {
  const results: HashLibraryResult[] = [];
  for (const candidate of candidates) results.push(await measure(candidate, { rounds }));
  return results;
}

export function hashLibraryTable(results: HashLibraryResult[]): string {
  const rows = results.map((r) => r.skipped
    ? `| ${r.name} | — | — | skipped: ${r.skipped} |`
    : `| ${r.name} | ${r.verifyMs!.p50.toFixed(1)} | ${r.perSecondAllCores!.toFixed(0)} | |`);
  return ['| Library | ms per verification (p50, one at a time) | verifications/s, all cores | |', '|---|---|---|---|', ...rows].join('\n');
}
