// Last commit dates for the docs' "Last updated" line. One `git log` for the whole docs
// folder instead of one process per page.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { relative, sep } from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dates: Map<string, Date> | undefined;

function readDates(): Map<string, Date> {
  const log = spawnSync('git', ['log', '--format=t:%ct', '--name-only', '--', 'content/docs'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const found = new Map<string, Date>();
  if (log.status !== 0) return found;
  let current: Date | undefined;
  for (const line of log.stdout.split('\n')) {
    if (line.startsWith('t:')) current = new Date(Number(line.slice(2)) * 1000);
    else if (line && current && !found.has(line)) found.set(line, current);
  }
  return found;
}

/** The newest commit touching `filePath` (absolute, or relative to the repository root), if any. */
export function lastCommitDate(filePath: string): Date | undefined {
  dates ??= readDates();
  return dates.get(relative(root, filePath).split(sep).join('/'));
}
