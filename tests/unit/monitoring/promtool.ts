// Debian's promtool (package prometheus) and amtool (prometheus-alertmanager), for tests of
// what we hand to Prometheus and Alertmanager.
import { spawnSync } from 'node:child_process';

export const PROMTOOL = '/usr/bin/promtool';
export const AMTOOL = '/usr/bin/amtool';

export interface PromtoolResult {
  status: number | null;
  output: string;
}

/** Runs `binary` with `args`, `input` on stdin; stdout and stderr together. */
export function tool(binary: string, args: string[], input?: string): PromtoolResult {
  const run = spawnSync(binary, args, { input, encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

export const promtool = (args: string[], input?: string) => tool(PROMTOOL, args, input);

/** `promtool check metrics`: the exposition parses and follows the naming lint. */
export function checkMetrics(exposition: string): PromtoolResult {
  return promtool(['check', 'metrics'], exposition);
}
