// Timings move with the machine's load (two cores, shared): before a latency figure, wait
// for the 1-minute load average to settle below 1, for a bounded time, and say what it was
// at the start and the end of the figure, so that a run on a busy machine reads as one.
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { figure, type Figure } from './figure.ts';

const QUIET_BELOW = 1;
const MAX_WAIT_MS = 90_000;
const POLL_MS = 5_000;

export interface LoadWindow {
  /** The figures `<prefix>.loadavg.start` and `.end`, with how long it waited. */
  figures(): Figure[];
}

/** Waits (bounded) for a quiet machine, then starts watching the load for `prefix`. */
export async function quietStart(prefix: string): Promise<LoadWindow> {
  const waitStarted = Date.now();
  while (loadavg()[0] >= QUIET_BELOW && Date.now() - waitStarted < MAX_WAIT_MS) await sleep(POLL_MS);
  const waitedMs = Date.now() - waitStarted;
  const start = loadavg()[0];
  const settled = start < QUIET_BELOW;
  console.log(
    `# ${prefix}: load average ${start.toFixed(2)} at its start` +
      (settled ? ` (waited ${(waitedMs / 1000).toFixed(0)} s)` : `, not below ${QUIET_BELOW} after ${MAX_WAIT_MS / 1000} s: its timings are those of a busy machine`),
  );
  return {
    figures: () => [
      figure(`${prefix}.loadavg.start`, start, 'load'),
      figure(`${prefix}.loadavg.end`, loadavg()[0], 'load'),
      figure(`${prefix}.loadavg.waited`, Math.round(waitedMs / 1000), 's'),
    ],
  };
}
