// The one Hono app behind `npm start`: the proxy API under /api and the built site for
// everything else. Route modules get what they share (report service, guards) from here,
// so a new report route (/api/report, /api/federation-ok) mounts with the same limits.
import { fileURLToPath } from 'node:url';
import { Hono, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import packageJson from '../../package.json' with { type: 'json' };
import { createNodeAdapters, type NodeAdapters } from '../adapters/node/index.ts';
import { outgoingTesting } from '../checker/outgoing.ts';
import { accessLog } from './access-log.ts';
import { apiCompat } from './api-compat.ts';
import { apiV1 } from './api-v1.ts';
import { clientAddress, clientKey } from './client.ts';
import { gzipWhole } from './compress.ts';
import type { ServerConfig } from './config.ts';
import { apiError } from './errors.ts';
import { createIdentity, identityRoutes, type Identity } from './identity.ts';
import { admissionQueued, createAdmissionQueue, createRateLimiter, rateLimited } from './limits.ts';
import { createServiceMetrics, metricsRoute } from './metrics.ts';
import { openApiRoute } from './openapi.ts';
import { probeRoute } from './probe.ts';
import { createReportService, type ReportService, type ReportServiceOptions } from './reports.ts';
import { apiHeaders, securityHeaders } from './security-headers.ts';
import { siteFiles, sitePageNotFound } from './static-site.ts';

export interface AppOptions {
  config: ServerConfig;
  /** Defaults to the Node adapters built from config. */
  adapters?: NodeAdapters;
  /** The checker core; replaceable in tests. */
  check?: ReportServiceOptions['check'];
  /** Where access-log lines go; defaults to stdout. */
  log?: (line: string) => void;
  /** Defaults to the one config.identity names (its key file is read or created here). */
  identity?: Identity | null;
}

/** What a report route module needs: mount it before the site files below. */
export interface ReportRouteKit {
  reports: ReportService;
  reportGuards: MiddlewareHandler[];
}

export function createApp(options: AppOptions): Hono {
  const { config, log = (line) => console.log(line) } = options;
  const siteDir = config.siteDir ?? fileURLToPath(new URL('../../dist', import.meta.url));
  const adapters = options.adapters ?? createNodeAdapters({ dnsServers: config.dnsServers, allowPrivate: config.allowPrivate });
  const queue = createAdmissionQueue({ maxActive: config.maxConcurrentReports, maxWaiting: config.maxQueuedReports, maxWaitMs: config.queueTimeoutMs });
  const metrics = createServiceMetrics({ queue });
  const identity = options.identity !== undefined ? options.identity : config.identity ? createIdentity(config.identity) : null;
  const reports = createReportService({
    outgoing: outgoingTesting(identity),
    adapters,
    reportTimeoutMs: config.reportTimeoutMs,
    allowPrivate: config.allowPrivate,
    reuseMs: config.reportReuseMs,
    check: options.check,
    observer: metrics.reports,
  });
  const reportGuards = [
    ...(config.rateLimit
      ? [rateLimited(createRateLimiter(config.rateLimit), (c) => clientKey(clientAddress(c, config.trustProxy)), () => metrics.rejected('rate_limited'))]
      : []),
    admissionQueued(queue, () => metrics.rejected('busy')),
  ];
  const kit: ReportRouteKit = { reports, reportGuards };

  const app = new Hono();
  app.use('*', accessLog(log, config.trustProxy));
  app.use('*', securityHeaders());
  // The API's JSON and the metrics are made per request, so they are gzipped per request
  // (Prometheus asks for gzip); the site's files come compressed from the build (static-site.ts).
  for (const path of ['/api/*', '/probe', '/metrics']) app.use(path, gzipWhole());
  app.use('/api/*', cors({ origin: '*', allowMethods: ['GET'], maxAge: 86400 }));
  app.use('/api/*', apiHeaders);
  app.use('/api/*', async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'OPTIONS') return next();
    c.header('Allow', 'GET');
    return apiError(c, 405, 'method_not_allowed', 'the API is read-only: use GET');
  });
  app.route('/api/v1', apiV1({ ...kit, version: packageJson.version, allowPrivate: config.allowPrivate }));
  app.route('/api', apiCompat(kit));
  app.route('/api', openApiRoute(packageJson.version));
  app.route('/', probeRoute(kit));
  app.route('/', metricsRoute(metrics));
  // fedcheck's own federation identity: only with FEDCHECK_SERVER_NAME do these routes exist.
  if (identity) app.route('/', identityRoutes(identity, { version: packageJson.version, trustProxy: config.trustProxy }));
  app.use('*', siteFiles(siteDir));

  const sitePage = sitePageNotFound(siteDir);
  app.notFound((c) => (c.req.path.startsWith('/api/') ? apiError(c, 404, 'not_found', `no API endpoint ${c.req.path}`) : sitePage(c)));
  app.onError((error, c) => {
    // The client went away while its report ran: no one to answer, nothing went wrong here.
    if (c.req.raw.signal.aborted) return new Response(null, { status: 499 });
    console.error(error);
    return apiError(c, 500, 'internal', 'the proxy failed to produce an answer');
  });
  return app;
}
