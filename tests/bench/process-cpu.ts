// CPU time of the bench's own process tree over a window, from /proc: which of Chromium's
// processes, the rig's servers, the proxy and the bench itself worked while a page checked.
// On two shared cores a page's check waits for whatever else runs: a page that sends 16
// requests keeps Chromium's processes busier than its floor's 2-4, and every answer the rig
// delays costs its forwarder and servers too.
import { readdirSync, readFileSync } from 'node:fs';
import { cmdlineOf } from '../rig/rig.ts';

/** USER_HZ: /proc/PID/stat counts CPU time in ticks of 10 ms on every architecture Node runs on. */
const TICK_MS = 10;

export const CPU_PARTS = ['renderer', 'browser', 'network', 'gpu', 'rig', 'proxy', 'bench'] as const;
export type CpuPart = (typeof CPU_PARTS)[number];
/** CPU milliseconds per part. */
export type CpuSplit = Record<CpuPart, number>;

interface ProcessTicks {
  part: CpuPart | null;
  ticks: number;
}

export interface CpuSnapshot {
  processes: Map<number, ProcessTicks>;
  /** The bench's own process, in µs (finer than ticks). */
  own: NodeJS.CpuUsage;
}

/** What a process of this tree is: Chromium's by its --type, the rig's by its servers' names and its Node helper, the proxy by its entry point. */
function partOf(comm: string, cmdline: string): CpuPart | null {
  if (/chrom/i.test(comm)) {
    const type = /--type=(\S+)/.exec(cmdline)?.[1];
    if (type === undefined) return 'browser';
    if (type === 'renderer') return 'renderer';
    if (type === 'gpu-process') return 'gpu';
    return /--utility-sub-type=network\./.test(cmdline) ? 'network' : 'browser';
  }
  if (/^(nginx|dnsdist|knotd|caddy)$/.test(comm) || /tests\/rig\/\w+\.ts/.test(cmdline)) return 'rig';
  if (cmdline.includes('src/server/start.ts')) return 'proxy';
  return null;
}

/** A process's name, parent and CPU ticks (user + system) from /proc/PID/stat. */
function readStat(pid: number): { comm: string; ppid: number; ticks: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The name may hold spaces and parentheses: the fields start after the last ')'; state is
  // field 3, ppid 4, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** CPU time the process has used so far (user + system), in ms: per report, it says what a
 * report costs the proxy, which the machine's load moves far less than time. */
export function processCpuMs(pid: number): number {
  return readStat(pid).ticks * TICK_MS;
}

export function cpuSnapshot(): CpuSnapshot {
  const stats = new Map<number, { comm: string; ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.set(Number(entry), readStat(Number(entry)));
    } catch {
      // Gone between the listing and the read.
    }
  }
  const inTree = (pid: number): boolean => {
    for (let at = stats.get(pid)?.ppid; at !== undefined && at > 1; at = stats.get(at)?.ppid) if (at === process.pid) return true;
    return false;
  };
  const processes = new Map<number, ProcessTicks>();
  for (const [pid, { comm, ticks }] of stats) {
    if (!inTree(pid)) continue;
    // Empty once the process is gone.
    const cmdline = cmdlineOf(pid);
    if (cmdline === '') continue;
    processes.set(pid, { part: partOf(comm, cmdline), ticks });
  }
  return { processes, own: process.cpuUsage() };
}

/** CPU per part since `before`; a process that exited in between is left out, one that started counts whole. */
export function cpuSince(before: CpuSnapshot): CpuSplit {
  const after = cpuSnapshot();
  const split = Object.fromEntries(CPU_PARTS.map((part) => [part, 0])) as CpuSplit;
  for (const [pid, { part, ticks }] of after.processes) {
    if (part === null) continue;
    split[part] += (ticks - (before.processes.get(pid)?.ticks ?? 0)) * TICK_MS;
  }
  const own = process.cpuUsage(before.own);
  split.bench = (own.user + own.system) / 1000;
  return split;
}

/** Per part, the mean over runs: a run's ticks are 10 ms coarse, the mean is not. */
export function meanSplit(runs: CpuSplit[]): CpuSplit {
  return Object.fromEntries(CPU_PARTS.map((part) => [part, runs.reduce((sum, run) => sum + run[part], 0) / runs.length])) as CpuSplit;
}

export const chromiumCpu = (split: CpuSplit) => split.renderer + split.browser + split.network + split.gpu;

export function describeSplit(split: CpuSplit): string {
  return CPU_PARTS.filter((part) => split[part] > 0)
    .map((part) => `${part} ${split[part].toFixed(0)}`)
    .join(', ');
}
