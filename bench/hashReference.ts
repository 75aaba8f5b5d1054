// The ceiling a password sign-in cannot beat: how fast this machine verifies Twofold's
// argon2id hashes with the library and parameters Twofold uses (src/accounts/password.ts).
import { availableParallelism } from 'node:os';
import { hashPassword, verifyPassword } from '../src/accounts/password.js';

export interface HashReference {
  /** Wall time of one verification, one at a time. */
  verifyMs: number;
  /** CPU time of one verification (it runs on libuv's thread pool: process CPU counts it). */
  cpuMsPerVerify: number;
  perSecondOneCore: number;
  /** With as many verifications at once as there are cores: the sign-in rate no server can pass. */
  perSecondAllCores: number;
  cores: number;
}

export async function measureHashReference(rounds: number): Promise<HashReference> {
  const password = 'bench password, long enough';
  const hash = await hashPassword(password);
  if (!(await verifyPassword(hash, password))) throw new Error('the password library does not verify its own hash');
  await verifyPassword(hash, password);
  let cpu = process.cpuUsage();
  let start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) await verifyPassword(hash, password);
  const verifyMs = Number(process.hrtime.bigint() - start) / 1e6 / rounds;
  const used = process.cpuUsage(cpu);
  const cpuMsPerVerify = (used.user + used.system) / 1000 / rounds;

  const cores = availableParallelism();
  const parallelRounds = rounds * cores;
  let next = 0;
  cpu = process.cpuUsage();
  start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: cores }, async () => {
    while (next++ < parallelRounds) await verifyPassword(hash, password);
  }));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { verifyMs, cpuMsPerVerify, perSecondOneCore: 1000 / verifyMs, perSecondAllCores: parallelRounds / seconds, cores };
}
