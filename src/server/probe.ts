// GET /probe?target=NAME: one report in the Prometheus exposition, for scrapes written like
// blackbox_exporter's (the target as a query parameter, probe_success and
// probe_duration_seconds), behind the same guards as every other report route.
import { Hono } from 'hono';
import { parseServerName } from '../checker/server-name.ts';
import { PROMETHEUS_CONTENT_TYPE, renderProbeExposition } from '../monitoring/probe-exposition.ts';
import type { ReportRouteKit } from './app.ts';
import { apiError } from './errors.ts';

export function probeRoute({ reports, reportGuards }: ReportRouteKit): Hono {
  return new Hono().use('/probe', ...reportGuards).get('/probe', async (c) => {
    const target = c.req.query('target');
    if (target === undefined || target === '') {
      return apiError(c, 400, 'missing_target', 'give the server name to probe as ?target=NAME, e.g. /probe?target=example.org');
    }
    const parsed = parseServerName(target);
    if (!parsed.ok) return apiError(c, 400, 'invalid_server_name', parsed.error);
    const report = await reports.run(target, c.req.raw.signal);
    return c.body(await renderProbeExposition(report), 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE });
  });
}
