// Runs one report for the API: the checker core with the Node adapters, source "proxy",
// cut at the per-report deadline. Shared by every route that produces a report.
import type { NodeAdapters } from '../adapters/node/index.ts';
import { runCheck } from '../checker/check.ts';
import type { Report } from '../checker/report.ts';

export interface ReportService {
  run(serverName: string, signal: AbortSignal): Promise<Report>;
}

export interface ReportServiceOptions {
  adapters: NodeAdapters;
  reportTimeoutMs: number;
  allowPrivate: boolean;
  /** The checker core; replaceable in tests. */
  check?: typeof runCheck;
}

export function createReportService(options: ReportServiceOptions): ReportService {
  const { adapters, reportTimeoutMs, allowPrivate, check = runCheck } = options;
  return {
    run(serverName, signal) {
      return check(serverName, {
        ...adapters,
        clock: { now: () => Date.now() },
        source: 'proxy',
        signal,
        timeoutMs: reportTimeoutMs,
        allowPrivateAddresses: allowPrivate,
      });
    },
  };
}
