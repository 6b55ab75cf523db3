// Debian's promtool (package prometheus), for tests of what we hand to Prometheus.
import { spawnSync } from 'node:child_process';

export const PROMTOOL = '/usr/bin/promtool';

export interface PromtoolResult {
  status: number | null;
  output: string;
}

/** Runs promtool with `args`, `input` on stdin; stdout and stderr together. */
export function promtool(args: string[], input?: string): PromtoolResult {
  const run = spawnSync(PROMTOOL, args, { input, encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** `promtool check metrics`: the exposition parses and follows the naming lint. */
export function checkMetrics(exposition: string): PromtoolResult {
  return promtool(['check', 'metrics'], exposition);
}
