// CPU time and memory of a server and its worker processes, read from Linux's /proc: the
// servers' own accounting, so the load client's work never counts against them.
import { readdirSync, readFileSync } from 'node:fs';

const ticksPerSecond = 100; // USER_HZ: 100 on every Linux the bench targets.

export interface ProcessSample {
  pid: number;
  /** User plus system CPU time so far, in milliseconds. */
  cpuMs: number;
  rssMiB: number;
  /** The highest resident set size the process has had (VmHWM). */
  peakRssMiB: number;
}

function readStat(pid: number): { ppid: number; cpuMs: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    return { ppid, cpuMs: (ticks * 1000) / ticksPerSecond };
  } catch {
    return undefined;
  }
}

function readMemory(pid: number): { rssMiB: number; peakRssMiB: number } {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
  } catch {
    return { rssMiB: 0, peakRssMiB: 0 };
  }
}

/** The process and every descendant still alive (cluster workers are children of the primary). */
export function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) parents.set(Number(entry), stat.ppid);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

export function sampleTree(root: number): ProcessSample[] {
  return processTree(root).flatMap((pid) => {
    const stat = readStat(pid);
    return stat ? [{ pid, cpuMs: stat.cpuMs, ...readMemory(pid) }] : [];
  });
}

export const totalCpuMs = (samples: ProcessSample[]) => samples.reduce((sum, s) => sum + s.cpuMs, 0);

export function canMeasureProcesses(): boolean {
  return process.platform === 'linux' && readStat(process.pid) !== undefined;
}
