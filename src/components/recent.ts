// Recent checks, newest first, kept in localStorage for one-click re-runs.
import type { Verdict } from '../checker/report.ts';
import { readJson, writeJson } from './settings.ts';

export interface RecentCheck {
  serverName: string;
  verdict: Verdict;
  checkedAt: string;
}

const RECENT_KEY = 'fedcheck.recent';
export const RECENT_LIMIT = 8;

export function loadRecent(storage: Storage | null): RecentCheck[] {
  const saved = readJson(storage, RECENT_KEY);
  if (!Array.isArray(saved)) return [];
  return saved
    .filter((entry) => typeof entry?.serverName === 'string' && ['pass', 'warn', 'fail'].includes(entry?.verdict))
    .slice(0, RECENT_LIMIT);
}

export function rememberCheck(storage: Storage | null, recent: RecentCheck[], check: RecentCheck): RecentCheck[] {
  const next = [check, ...recent.filter((entry) => entry.serverName !== check.serverName)].slice(0, RECENT_LIMIT);
  writeJson(storage, RECENT_KEY, next);
  return next;
}
