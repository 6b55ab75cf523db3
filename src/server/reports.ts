// Runs one report for the API: the checker core with the Node adapters, source "proxy",
// cut at the per-report deadline. Shared by every route that produces a report.
import type { NodeAdapters } from '../adapters/node/index.ts';
import { runCheck, type CheckDeps } from '../checker/check.ts';
import type { Evidence } from '../checker/evidence.ts';
import type { Report } from '../checker/report.ts';

/** A report with what the checks saw, for views that need more than the report. */
export interface ReportWithEvidence {
  report: Report;
  evidence: Evidence;
}

export interface ReportService {
  run(serverName: string, signal: AbortSignal): Promise<Report>;
  /** The same run, also handing back its evidence (the federation-tester API maps both). */
  runWithEvidence(serverName: string, signal: AbortSignal): Promise<ReportWithEvidence>;
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
  const deps = (signal: AbortSignal): CheckDeps => ({
    ...adapters,
    clock: { now: () => Date.now() },
    source: 'proxy',
    signal,
    timeoutMs: reportTimeoutMs,
    allowPrivateAddresses: allowPrivate,
  });
  return {
    run(serverName, signal) {
      return check(serverName, deps(signal));
    },
    async runWithEvidence(serverName, signal) {
      let evidence: Evidence | undefined;
      const report = await check(serverName, { ...deps(signal), onEvidence: (seen) => (evidence = seen) });
      if (evidence === undefined) throw new Error('the checker returned a report without handing over its evidence');
      return { report, evidence };
    },
  };
}
