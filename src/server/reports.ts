// Runs reports for the API: the checker core with the Node adapters, source "proxy", cut at
// the per-report deadline. Shared by every route that produces a report.
//
// Requests for the same server name share one run while it lasts and reuse its report for a
// few seconds after: a public proxy must not become a way to make many connections to one
// homeserver by asking for it from many clients at once.
import type { NodeAdapters } from '../adapters/node/index.ts';
import { runCheck, type CheckDeps } from '../checker/check.ts';
import type { Evidence } from '../checker/evidence.ts';
import type { OutgoingTesting } from '../checker/outgoing.ts';
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

/** Told about runs and reuse, for the service's metrics. */
export interface ReportObserver {
  runStarted(): void;
  /** With the report, or without when the run failed or was stopped. */
  runFinished(report: Report | undefined): void;
  /** A request joined a run another request started. */
  reused(): void;
}

export interface ReportServiceOptions {
  adapters: NodeAdapters;
  reportTimeoutMs: number;
  allowPrivate: boolean;
  /** How long a finished report answers later requests for the same name; 0: no sharing at all. */
  reuseMs: number;
  /** The checker core; replaceable in tests. */
  check?: typeof runCheck;
  observer?: ReportObserver;
  /** The outgoing federation test; absent, the report leaves the area out. */
  outgoing?: OutgoingTesting;
  now?: () => number;
}

/** One run of the checker, and who is waiting for it. */
interface SharedRun {
  result: Promise<{ report: Report; evidence?: Evidence }>;
  controller: AbortController;
  waiters: number;
  finishedAt?: number;
}

export function createReportService(options: ReportServiceOptions): ReportService {
  const { adapters, reportTimeoutMs, allowPrivate, reuseMs, check = runCheck, observer, outgoing, now = Date.now } = options;
  const runs = new Map<string, SharedRun>();

  const start = (serverName: string): SharedRun => {
    const controller = new AbortController();
    let evidence: Evidence | undefined;
    const deps: CheckDeps = {
      ...adapters,
      ...(outgoing ? { outgoing } : {}),
      clock: { now },
      source: 'proxy',
      signal: controller.signal,
      timeoutMs: reportTimeoutMs,
      allowPrivateAddresses: allowPrivate,
      onEvidence: (seen) => (evidence = seen),
    };
    observer?.runStarted();
    const result = check(serverName, deps).then((report) => ({ report, evidence }));
    result.then(
      ({ report }) => observer?.runFinished(report),
      () => observer?.runFinished(undefined),
    );
    const shared: SharedRun = { result, controller, waiters: 0 };
    const forget = () => runs.get(serverName) === shared && runs.delete(serverName);
    result.then(
      () => {
        shared.finishedAt = now();
        setTimeout(forget, reuseMs).unref();
      },
      forget,
    );
    if (reuseMs > 0) runs.set(serverName, shared);
    return shared;
  };

  /** The run under way for this name, or one that finished within the reuse time. */
  const current = (serverName: string): SharedRun | undefined => {
    const shared = runs.get(serverName);
    if (!shared || shared.controller.signal.aborted) return undefined;
    return shared.finishedAt === undefined || now() - shared.finishedAt < reuseMs ? shared : undefined;
  };

  const join = async (serverName: string, signal: AbortSignal) => {
    signal.throwIfAborted();
    const joined = current(serverName);
    if (joined) observer?.reused();
    const shared = joined ?? start(serverName);
    shared.waiters++;
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      shared.waiters--;
      // The last client to go stops a run still going: nobody would read its report.
      if (shared.waiters === 0 && shared.finishedAt === undefined) shared.controller.abort(signal.reason);
    };
    const gone = new Promise<never>((_, reject) => signal.addEventListener('abort', () => (leave(), reject(signal.reason)), { once: true }));
    gone.catch(() => {}); // a client may go after its report came: nobody waits for this then
    try {
      return await Promise.race([shared.result, gone]);
    } finally {
      leave();
    }
  };

  return {
    run: async (serverName, signal) => (await join(serverName, signal)).report,
    async runWithEvidence(serverName, signal) {
      const { report, evidence } = await join(serverName, signal);
      if (evidence === undefined) throw new Error('the checker returned a report without handing over its evidence');
      return { report, evidence };
    },
  };
}
