/**
 * How busy the whole machine was while a bench measured, and how much of that was not the
 * bench: on a shared two-core machine other people's builds and tests move the tail latencies,
 * and a figure is only readable next to this. Also the bench's own CPU time (this process, its
 * children, PostgreSQL) that separates the two.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildHandle } from './child-rpc';

/** CPU time (ms) all cores have spent busy since boot; null where /proc/stat is missing. */
export function machineBusyMs(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    // USER_HZ is 100 on Linux.
    return (user + nice + system + irq + softirq + steal) * 10;
  } catch {
    return null;
  }
}

export interface LoadReport {
  /** Busy share of all cores (0..1). */
  readonly machine: number;
  /** Share of all cores used by processes other than the bench's (0..1). */
  readonly others: number;
}

/** `ours`: CPU ms the bench's own processes used over the same interval. */
export function loadOver(
  busyBefore: number | null,
  busyAfter: number | null,
  elapsedMs: number,
  ours: number,
): LoadReport | null {
  if (busyBefore === null || busyAfter === null || elapsedMs <= 0) return null;
  const capacity = elapsedMs * os.availableParallelism();
  const busy = busyAfter - busyBefore;
  return { machine: busy / capacity, others: Math.max(0, busy - ours) / capacity };
}

export function describeLoad(load: LoadReport | null): string {
  return load === null
    ? 'machine load unknown'
    : `machine ${(load.machine * 100).toFixed(0)}% busy, other processes ${(load.others * 100).toFixed(0)}% of its cores`;
}

/** CPU ms (user + system) of a `process.cpuUsage()` reading. */
export const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;

/** CPU ms used so far by a bench child (each answers `cpuUsage`). */
export async function cpuOf(child: ChildHandle): Promise<number> {
  return cpuMs(await child.call<NodeJS.CpuUsage>('cpuUsage'));
}

/** utime + stime (ms) of one process from /proc/<pid>/stat, and its parent pid. */
function procStat(pid: string): { parent: string; cpuMs: number; command: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const command = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // After "pid (comm) ": state ppid ... utime is field 14, stime 15 (1-based over the whole line).
    return { parent: fields[1] ?? '', cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, command };
  } catch {
    return null;
  }
}

/**
 * CPU ms used so far by the PostgreSQL server listening on `port` (the postmaster and its
 * backends), or null if it cannot be found. Backends that exit take their time with them: the
 * server's pool keeps its connections, so over a measurement they stay.
 */
export function postgresCpuMs(port: number): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const postmaster = pids.find((pid) => {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return path.basename(args[0] ?? '') === 'postgres' && args.includes(String(port));
    } catch {
      return false;
    }
  });
  if (postmaster === undefined) return null;
  let total = 0;
  for (const pid of pids) {
    const stat = procStat(pid);
    if (stat !== null && (pid === postmaster || stat.parent === postmaster)) total += stat.cpuMs;
  }
  return total;
}
