// GET /api/v1/health and GET /api/v1/report?server_name=NAME (DESIGN.md, "Proxy HTTP API").
import { Hono, type MiddlewareHandler } from 'hono';
import { withStrictClientVerdict } from '../checker/check.ts';
import { parseServerName } from '../checker/server-name.ts';
import { apiError } from './errors.ts';
import type { ReportService } from './reports.ts';

export interface ApiV1Options {
  reports: ReportService;
  /** Rate limit and concurrency cap, shared with every other report route. */
  reportGuards: MiddlewareHandler[];
  version: string;
  /** FEDCHECK_ALLOW_PRIVATE: said in /health, so that the page this proxy serves flags no more than the proxy refuses. */
  allowPrivate: boolean;
}

export function apiV1(options: ApiV1Options): Hono {
  const { reports, reportGuards, version, allowPrivate } = options;
  return new Hono()
    .get('/health', (c) => c.json({ ok: true, version, allowPrivate }))
    .use('/report', ...reportGuards)
    .get('/report', async (c) => {
      const serverName = c.req.query('server_name');
      if (serverName === undefined || serverName === '') {
        return apiError(c, 400, 'missing_server_name', 'give the server name to check as ?server_name=NAME, e.g. ?server_name=example.org');
      }
      const parsed = parseServerName(serverName);
      if (!parsed.ok) return apiError(c, 400, 'invalid_server_name', parsed.error);
      const strict = c.req.query('strict');
      if (strict !== undefined && strict !== '0' && strict !== '1') {
        return apiError(c, 400, 'invalid_strict', `strict=${JSON.stringify(strict)}: use strict=1 for a strict client check, or leave it out`);
      }
      const report = await reports.run(serverName, c.req.raw.signal);
      return c.json(strict === '1' ? withStrictClientVerdict(report) : report);
    });
}
