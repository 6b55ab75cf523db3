// matrix-federation-tester's HTTP API, for monitoring written against it:
// GET /api/report?server_name=NAME (its JSON report) and GET /api/federation-ok?server_name=NAME
// (GOOD or BAD). Status codes follow MFT: 400 with a plain-text message only when
// server_name is missing; an invalid name is a 200 report with `Error` set (and BAD).
import { Hono, type Context } from 'hono';
import type { ReportRouteKit } from './app.ts';
import { federationOk, federationTesterReport } from './federation-tester.ts';

export function apiCompat({ reports, reportGuards }: ReportRouteKit): Hono {
  return new Hono()
    .use('/report', ...reportGuards)
    .use('/federation-ok', ...reportGuards)
    .get('/report', async (c) => {
      const serverName = c.req.query('server_name');
      if (!serverName) return missingServerName(c);
      const { report, evidence } = await reports.runWithEvidence(serverName, c.req.raw.signal);
      // MFT indents its JSON; keep the bytes close for anyone diffing the two.
      return c.body(JSON.stringify(federationTesterReport(report, evidence), null, 2), 200, { 'Content-Type': 'application/json' });
    })
    .get('/federation-ok', async (c) => {
      const serverName = c.req.query('server_name');
      if (!serverName) return missingServerName(c);
      return c.text(federationOk(await reports.run(serverName, c.req.raw.signal)) ? 'GOOD' : 'BAD');
    });
}

/** MFT's answer, word for word, when the query has no (or an empty) server_name. */
function missingServerName(c: Context): Response {
  return c.text('Missing server_name parameter', 400);
}
