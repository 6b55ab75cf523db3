// The OpenAPI 3.1 document of every route the proxy answers, served at GET /api/openapi.json
// and rendered in the docs. The report shapes are the JSON Schemas the tests already hold the
// routes to (report.schema.json, federation-tester.schema.json); OpenAPI 3.1 takes JSON
// Schema 2020-12 as it is. tests/unit/server/openapi.test.ts fails for a route missing here.
import { Hono } from 'hono';
import reportSchema from '../checker/report.schema.json' with { type: 'json' };
import federationTesterSchema from './federation-tester.schema.json' with { type: 'json' };

const json = (schema: object) => ({ 'application/json': { schema } });
const text = (schema: object) => ({ 'text/plain': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const response = (description: string, content?: object, headers?: object) => ({ description, ...(content ? { content } : {}), ...(headers ? { headers } : {}) });

/** Answers every report route can give besides its own: the guards' and the server's. */
const guardResponses = {
  '429': response('Too many reports from this client (per-client rate limit, FEDCHECK_RATE_LIMIT).', json(ref('Error')), {
    'Retry-After': { description: 'Seconds until a report is allowed again.', schema: { type: 'integer', minimum: 1 } },
  }),
  '503': response(
    'The proxy is saturated: it runs as many reports as it allows at once (FEDCHECK_MAX_CONCURRENT) and either as many requests already wait for a place (FEDCHECK_MAX_QUEUED) or this one waited for its place longer than FEDCHECK_QUEUE_TIMEOUT_MS. Requests beyond the cap wait in order of arrival; the report deadline starts when the report does.',
    json(ref('Error')),
    {
      'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } },
    },
  ),
  '500': response('The proxy failed to produce an answer.', json(ref('Error'))),
};

const serverNameParameter = {
  name: 'server_name',
  in: 'query',
  required: true,
  description: 'The Matrix server name to check: a host name or IP literal, with an optional port.',
  schema: { type: 'string', minLength: 1 },
  example: 'example.org',
};

const prometheusText = text({ type: 'string', description: 'Prometheus text exposition format 0.0.4.' });

export function openApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'fedcheck proxy API',
      version,
      summary: 'Checks Matrix federation for a server name, from the proxy, as JSON, plain text or Prometheus metrics.',
      description:
        'Every route is a read-only GET. Report routes (`/api/v1/report`, `/api/report`, `/api/federation-ok`, `/probe`) share a per-client rate limit, a cap on concurrent reports with a bounded queue in front of it, and a per-report deadline, and connect only to public addresses unless the proxy runs with FEDCHECK_ALLOW_PRIVATE=1. Requests for one server name within a few seconds share one run.',
    },
    paths: {
      '/api/v1/health': {
        get: {
          operationId: 'health',
          summary: 'Whether a proxy is here, and its version',
          responses: { '200': response('The proxy is up.', json(ref('Health'))) },
        },
      },
      '/api/v1/report': {
        get: {
          operationId: 'report',
          summary: 'The fedcheck.report/1 report for a server name',
          parameters: [
            serverNameParameter,
            {
              name: 'strict',
              in: 'query',
              required: false,
              description: 'strict=1: a strict client check. Failures of client discovery, sign-in, calls and support fail the verdict (otherwise they cap it at warn); the report then has "strictClient": true.',
              schema: { enum: ['0', '1'] },
            },
          ],
          responses: {
            '200': response('The report, with source "proxy".', json(ref('Report'))),
            '400': response('server_name is missing (missing_server_name) or not a valid server name (invalid_server_name, with the parser’s message), or strict is not 0 or 1 (invalid_strict).', json(ref('Error'))),
            ...guardResponses,
          },
        },
      },
      '/api/report': {
        get: {
          operationId: 'federationTesterReport',
          summary: 'The report in matrix-federation-tester’s shape, for tools written against it',
          parameters: [serverNameParameter],
          responses: {
            '200': response('As matrix-federation-tester answers; an invalid name is a report with Error set.', json(ref('FederationTesterReport'))),
            '400': response('server_name is missing (matrix-federation-tester’s own words).', text({ const: 'Missing server_name parameter' })),
            ...guardResponses,
          },
        },
      },
      '/api/federation-ok': {
        get: {
          operationId: 'federationOk',
          summary: 'GOOD when federation with the server works, else BAD',
          parameters: [serverNameParameter],
          responses: {
            '200': response('GOOD when the verdict is pass or warn, BAD when it is fail or the name is invalid.', text({ enum: ['GOOD', 'BAD'] })),
            '400': response('server_name is missing.', text({ const: 'Missing server_name parameter' })),
            ...guardResponses,
          },
        },
      },
      '/probe': {
        get: {
          operationId: 'probe',
          summary: 'A report as Prometheus metrics, blackbox_exporter-style',
          description:
            'probe_success (1 unless the verdict is fail), probe_duration_seconds and fedcheck_* series: verdict, area and check statuses, certificate expiry and info, server software, resolution, step durations. Scrape it with the target relabelled into ?target=, as for blackbox_exporter.',
          parameters: [{ ...serverNameParameter, name: 'target' }],
          responses: {
            '200': response('The probe exposition.', prometheusText),
            '400': response('target is missing (missing_target) or not a valid server name (invalid_server_name, with the parser’s message).', json(ref('Error'))),
            ...guardResponses,
          },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          summary: 'The service’s own Prometheus metrics',
          description:
            'Runs by verdict and source, run durations (histogram), rejections by reason, requests in flight and the cap, reuse of shared runs, process memory and event-loop delay.',
          responses: { '200': response('The service’s metrics.', prometheusText) },
        },
      },
      '/api/openapi.json': {
        get: {
          operationId: 'openApi',
          summary: 'This document',
          responses: { '200': response('The OpenAPI 3.1 document of the proxy API.', json({ type: 'object', required: ['openapi', 'info', 'paths'] })) },
        },
      },
      // fedcheck's own federation identity, for the outgoing-federation test: these routes
      // exist only when the proxy runs with FEDCHECK_SERVER_NAME (and FEDCHECK_KEY_FILE).
      '/.well-known/matrix/server': {
        get: {
          operationId: 'identityWellKnown',
          summary: 'Only with FEDCHECK_SERVER_NAME: where homeservers reach fedcheck’s own server name',
          responses: {
            '200': response('Server discovery for fedcheck’s name.', json({ type: 'object', required: ['m.server'], properties: { 'm.server': { type: 'string' } } })),
          },
        },
      },
      '/_matrix/federation/v1/version': {
        get: {
          operationId: 'identityVersion',
          summary: 'Only with FEDCHECK_SERVER_NAME: the federation version endpoint, naming fedcheck',
          responses: {
            '200': response(
              'The server implementation.',
              json({ type: 'object', required: ['server'], properties: { server: { type: 'object', required: ['name', 'version'], properties: { name: { type: 'string' }, version: { type: 'string' } } } } }),
            ),
          },
        },
      },
      '/_matrix/key/v2/server': {
        get: {
          operationId: 'identityKeys',
          summary: 'Only with FEDCHECK_SERVER_NAME: fedcheck’s signing keys, signed, with a short valid_until_ts',
          description: 'A homeserver fetching these after an outgoing-federation test’s key query is recorded for that test; any other fetch is served and recorded nowhere.',
          responses: { '200': response('The server keys (canonical JSON, signed).', json(ref('ServerKeys'))) },
        },
      },
      '/_matrix/key/v2/server/{keyId}': {
        get: {
          operationId: 'identityKeysById',
          summary: 'Only with FEDCHECK_SERVER_NAME: the deprecated form with a key id; answers with all keys',
          parameters: [{ name: 'keyId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': response('The server keys (canonical JSON, signed).', json(ref('ServerKeys'))) },
        },
      },
    },
    components: {
      schemas: {
        ServerKeys: {
          description: 'Server-server API GET /_matrix/key/v2/server.',
          type: 'object',
          required: ['server_name', 'valid_until_ts', 'verify_keys', 'signatures'],
          properties: {
            server_name: { type: 'string' },
            valid_until_ts: { type: 'integer' },
            verify_keys: { type: 'object', additionalProperties: { type: 'object', required: ['key'], properties: { key: { type: 'string' } } } },
            old_verify_keys: { type: 'object' },
            signatures: { type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'string' } } },
          },
        },
        Health: {
          description: 'A proxy is here: the island probes this at load to find a same-origin proxy.',
          type: 'object',
          additionalProperties: false,
          required: ['ok', 'version', 'allowPrivate'],
          properties: {
            ok: { const: true },
            version: { type: 'string', description: 'The fedcheck version.' },
            allowPrivate: {
              type: 'boolean',
              description: 'FEDCHECK_ALLOW_PRIVATE is set: the proxy connects to private addresses, and the page it serves does not flag them.',
            },
          },
        },
        Error: {
          description: 'The proxy’s one error shape: a stable code and a message for people.',
          type: 'object',
          additionalProperties: false,
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              additionalProperties: false,
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', description: 'Stable, e.g. invalid_server_name, rate_limited, busy.' },
                message: { type: 'string', description: 'What went wrong, for people.' },
              },
            },
          },
        },
        Report: reportSchema,
        FederationTesterReport: federationTesterSchema,
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

export function openApiRoute(version: string): Hono {
  const document = openApiDocument(version);
  return new Hono().get('/openapi.json', (c) => c.json(document));
}
