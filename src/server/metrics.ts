// The service's own metrics on GET /metrics: what it was asked, how it answered, how busy
// it is, and the Node process (memory, event-loop delay). One registry per app, so apps made
// in tests do not share counters.
import { Hono } from 'hono';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Report } from '../checker/report.ts';
import type { AdmissionQueue } from './limits.ts';
import type { ReportObserver } from './reports.ts';

export type Rejection = 'rate_limited' | 'busy';

export interface ServiceMetrics {
  registry: Registry;
  /** Handed to the report service. */
  reports: ReportObserver;
  rejected(reason: Rejection): void;
}

/** prom-client's default gauges that promtool's lint rejects ("non-counter metrics should
 * not have _total suffix"); the same counts stay as nodejs_active_handles etc. */
const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export function createServiceMetrics(options: { queue: AdmissionQueue }): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name);
  const registers = [registry];

  const finished = new Counter({
    name: 'fedcheck_reports_total',
    help: 'Checker runs that finished, by verdict and report source.',
    labelNames: ['verdict', 'source'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'fedcheck_report_duration_seconds',
    help: 'How long each checker run took.',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60],
    registers,
  });
  const inFlight = new Gauge({ name: 'fedcheck_reports_in_flight', help: 'Checker runs under way.', registers });
  const reused = new Counter({
    name: 'fedcheck_report_reuses_total',
    help: 'Report requests answered by a run another request for the same name started (under way or just finished).',
    registers,
  });
  const rejections = new Counter({
    name: 'fedcheck_report_rejections_total',
    help: 'Report requests refused: rate_limited (per client, 429) or busy (queue full or waited too long, 503).',
    labelNames: ['reason'] as const,
    registers,
  });
  for (const reason of ['rate_limited', 'busy'] as const) rejections.inc({ reason }, 0);
  /** A gauge read from the queue when Prometheus scrapes. */
  const sampled = (name: string, help: string, read: (queue: AdmissionQueue) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read(options.queue));
      },
    });
  const { limits } = options.queue;
  sampled('fedcheck_report_requests_in_flight', 'Report requests holding a place under the concurrency cap.', (queue) => queue.active);
  new Gauge({ name: 'fedcheck_report_requests_capacity', help: 'The concurrency cap on report requests.', registers }).set(limits.maxActive);
  sampled('fedcheck_report_requests_queued', 'Report requests waiting for a place under the concurrency cap.', (queue) => queue.waiting);
  new Gauge({ name: 'fedcheck_report_requests_queue_capacity', help: 'Report requests that may wait for a place at most.', registers }).set(limits.maxWaiting);

  return {
    registry,
    reports: {
      runStarted: () => inFlight.inc(),
      runFinished(report: Report | undefined) {
        inFlight.dec();
        if (!report) return;
        finished.inc({ verdict: report.verdict, source: report.source });
        duration.observe(report.durationMs / 1000);
      },
      reused: () => reused.inc(),
    },
    rejected: (reason) => rejections.inc({ reason }),
  };
}

export function metricsRoute(metrics: ServiceMetrics): Hono {
  return new Hono().get('/metrics', async (c) => c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }));
}
