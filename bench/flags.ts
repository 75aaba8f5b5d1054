// `npm run bench -- [flags]`: what the run measures and for how long. A bad flag is refused
// with the reason before anything starts.
import { availableParallelism } from 'node:os';

export interface BenchFlags {
  accounts: number;
  concurrency: number[];
  workers: number[];
  warmupSeconds: number;
  durationSeconds: number;
  grantSeconds: number;
  grantConcurrency: number;
  /** Run the paced level at half of Twofold's peak (the second-factor latency goal). */
  halfPeak: boolean;
  hashLibraries: boolean;
  decide: boolean;
  out: string;
  quick: boolean;
}

export const usage = `npm run bench -- [flags]

  --quick                   a short run (well under a minute): 200 accounts, concurrency 2, 1 worker, 2 s per level
  --accounts <n>            accounts seeded per server, each with an authenticator app (default 2000)
  --concurrency <n,n,...>   sign-ins in flight at once, one level each (default 1,4,16)
  --workers <n,n,...>       Twofold server processes (TWOFOLD_WORKERS) to measure (default 1,<cores>)
  --warmup <seconds>        unmeasured time before each level (default 2)
  --duration <seconds>      measured time per level (default 8)
  --grant-duration <s>      measured time per refresh / client-credentials / introspection run (default 4)
  --grant-concurrency <n>   grants in flight at once (default 8)
  --no-half-peak            skip the paced run at half of the peak sign-in rate
  --hash-libraries          also compare argon2id libraries (argon2, @node-rs/argon2, hash-wasm, @noble/hashes)
  --decide                  also run the policy-decision micro-benchmark
  --out <folder>            where the JSON and Markdown results go (default bench/results)
  --help                    this text`;

export class FlagError extends Error {}

const positiveInt = (name: string, value: string | undefined, max = 100_000) => {
  const n = Number(value);
  if (!value || !Number.isInteger(n) || n < 1 || n > max) throw new FlagError(`${name} must be a whole number from 1 to ${max}, but is '${value ?? ''}'`);
  return n;
};
const seconds = (name: string, value: string | undefined) => {
  const n = Number(value);
  if (!value || !Number.isFinite(n) || n < 0 || n > 600) throw new FlagError(`${name} must be a number of seconds from 0 to 600, but is '${value ?? ''}'`);
  return n;
};
const list = (name: string, value: string | undefined, max: number) => {
  if (!value) throw new FlagError(`${name} needs a comma-separated list of whole numbers`);
  return [...new Set(value.split(',').map((item) => positiveInt(name, item.trim(), max)))];
};

export function parseFlags(argv: string[], cores = availableParallelism()): BenchFlags | 'help' {
  const flags: BenchFlags = {
    accounts: 2000, concurrency: [1, 4, 16], workers: [...new Set([1, cores])], warmupSeconds: 2, durationSeconds: 8,
    grantSeconds: 4, grantConcurrency: 8, halfPeak: true, hashLibraries: false, decide: false, out: 'bench/results', quick: false,
  };
  if (argv.includes('--quick')) {
    Object.assign(flags, { quick: true, accounts: 200, concurrency: [2], workers: [1], warmupSeconds: 0.5, durationSeconds: 2, grantSeconds: 1, grantConcurrency: 2 });
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => argv[++i];
    switch (flag) {
      case '--quick': break;
      case '--help': case '-h': return 'help';
      case '--accounts': flags.accounts = positiveInt(flag, value(), 1_000_000); break;
      case '--concurrency': flags.concurrency = list(flag, value(), 1000); break;
      case '--workers': flags.workers = list(flag, value(), 64); break;
      case '--warmup': flags.warmupSeconds = seconds(flag, value()); break;
      case '--duration': flags.durationSeconds = seconds(flag, value()); break;
      case '--grant-duration': flags.grantSeconds = seconds(flag, value()); break;
      case '--grant-concurrency': flags.grantConcurrency = positiveInt(flag, value(), 1000); break;
      case '--no-half-peak': flags.halfPeak = false; break;
      case '--hash-libraries': flags.hashLibraries = true; break;
      case '--decide': flags.decide = true; break;
      case '--out': {
        const out = value();
        if (!out) throw new FlagError('--out needs a folder');
        flags.out = out;
        break;
      }
      default: throw new FlagError(`unknown flag '${flag}'`);
    }
  }
  if (flags.durationSeconds === 0 || flags.grantSeconds === 0) throw new FlagError('--duration and --grant-duration must be more than 0 seconds');
  return flags;
}
