// Hands out seeded accounts for sign-ins. A TOTP code's time step can be claimed once per
// account, so each account signs in at most once per step: the pool gives each account the next
// step it has not used (the current one or the next, both inside the server's drift window) and
// waits when every account has used both.
import { totpCode } from '../src/factors/otpCodes.js';

export interface BenchAccount {
  username: string;
  password: string;
  totpSecret: string;
}

const period = 30;

export class AccountPool {
  private queue: { account: BenchAccount; nextStep: number }[];
  /** Milliseconds sign-ins spent waiting for an account: non-zero means the pool, not the server, set the pace. */
  waitedMs = 0;

  constructor(accounts: BenchAccount[], private readonly now: () => number = Date.now) {
    this.queue = accounts.map((account) => ({ account, nextStep: 0 }));
  }

  private currentStep() {
    return Math.floor(this.now() / 1000 / period);
  }

  /** An account and a code it has not used; give it back with `release`. */
  async take(): Promise<{ account: BenchAccount; step: number; code: () => Promise<string>; release(): void }> {
    for (;;) {
      const entry = this.queue.shift();
      if (!entry) {
        // More sign-ins in flight than accounts: wait for one to come back.
        const start = this.now();
        await new Promise((resolve) => setTimeout(resolve, 20));
        this.waitedMs += this.now() - start;
        continue;
      }
      const current = this.currentStep();
      const step = Math.max(entry.nextStep, current);
      if (step > current + 1) {
        this.queue.unshift(entry);
        const start = this.now();
        // Wait until `step` is the next one: then it is inside the window.
        await new Promise((resolve) => setTimeout(resolve, Math.max(10, (step - 1) * period * 1000 - this.now() + 5)));
        this.waitedMs += this.now() - start;
        continue;
      }
      return {
        account: entry.account,
        step,
        code: () => totpCode(entry.account.totpSecret, step * period),
        release: () => this.queue.push({ account: entry.account, nextStep: step + 1 }),
      };
    }
  }
}
