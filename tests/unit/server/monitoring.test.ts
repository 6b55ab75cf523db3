// GET /probe and GET /metrics on the app: the probe behind the report guards, and the
// service's counters moving with what the proxy was asked.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeAdapters } from '../../../src/adapters/node/index.ts';
import type { runCheck } from '../../../src/checker/check.ts';
import { REPORT_SCHEMA, type Report, type Verdict } from '../../../src/checker/report.ts';
import { parseServerName } from '../../../src/checker/server-name.ts';
import { createApp } from '../../../src/server/app.ts';
import { loadConfig, type ServerConfig } from '../../../src/server/config.ts';
import { checkMetrics } from '../monitoring/promtool.ts';

let siteDir: string;
beforeAll(() => {
  siteDir = mkdtempSync(path.join(tmpdir(), 'fedcheck-monitoring-'));
  mkdirSync(siteDir, { recursive: true });
  writeFileSync(path.join(siteDir, '404.html'), '<!doctype html><title>not found</title>');
});
afterAll(() => rmSync(siteDir, { recursive: true, force: true }));

const report = (serverName: string, verdict: Verdict): Report => ({
  schema: REPORT_SCHEMA,
  serverName,
  checkedAt: new Date(0).toISOString(),
  source: 'proxy',
  durationMs: 1500,
  verdict,
  areas: {},
  resolution: null,
  steps: [],
  checks: [],
  connections: [],
});

function harness(overrides: Partial<ServerConfig> = {}, check?: typeof runCheck) {
  const calls: { serverName: string; deps: Parameters<typeof runCheck>[1] }[] = [];
  const app = createApp({
    config: { ...loadConfig({}), siteDir, ...overrides },
    log: () => {},
    adapters: {} as NodeAdapters,
    check:
      check ??
      (async (serverName, deps) => {
        calls.push({ serverName, deps });
        return report(serverName, serverName.startsWith('bad') ? 'fail' : 'pass');
      }),
  });
  const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
  const get = (url: string, address = '192.0.2.1') => app.request(url, {}, from(address));
  return { app, calls, get };
}

/** The value of one sample line (`series value`) of an exposition. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /probe', () => {
  it('answers the exposition of a report run like the API runs it (source proxy, deadline, address policy)', async () => {
    const { get, calls } = harness({ reportTimeoutMs: 9000 });
    const response = await get('/probe?target=example.org');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(sample(text, 'probe_success')).toBe(1);
    expect(sample(text, 'probe_duration_seconds')).toBe(1.5);
    expect(checkMetrics(text)).toEqual({ status: 0, output: '' });
    expect(calls[0].deps).toMatchObject({ source: 'proxy', timeoutMs: 9000, allowPrivateAddresses: false });
    expect(sample(await (await get('/probe?target=bad.example')).text(), 'probe_success')).toBe(0);
  });

  it.each(['https://example.org', 'a:b:c', 'ex ample.org', 'example.org:99999'])('answers 400 with the parser’s message for target %j', async (target) => {
    const { get, calls } = harness();
    const response = await get(`/probe?target=${encodeURIComponent(target)}`);
    expect(response.status).toBe(400);
    const parsed = parseServerName(target);
    expect(parsed.ok).toBe(false);
    expect(await response.json()).toEqual({ error: { code: 'invalid_server_name', message: !parsed.ok && parsed.error } });
    expect(calls).toHaveLength(0);
  });

  it('answers 400 without a target', async () => {
    const response = await harness().get('/probe');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'missing_target' } });
  });

  it('shares the per-client rate limit with the report API: 429 and Retry-After, counted in /metrics', async () => {
    const { get } = harness({ rateLimit: { burst: 2, windowMs: 60_000 } });
    expect((await get('/api/v1/report?server_name=example.org')).status).toBe(200);
    expect((await get('/probe?target=example.org')).status).toBe(200);
    const limited = await get('/probe?target=example.org');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await get('/probe?target=example.org', '192.0.2.2')).status).toBe(200);
    const metrics = await (await get('/metrics')).text();
    expect(sample(metrics, 'fedcheck_report_rejections_total{reason="rate_limited"}')).toBe(1);
    expect(sample(metrics, 'fedcheck_report_rejections_total{reason="busy"}')).toBe(0);
  });

  it('shares the concurrency cap and its queue: 503 once the queue is full, in-flight and queue gauges in /metrics', async () => {
    const releases: (() => void)[] = [];
    const { get } = harness({ maxConcurrentReports: 1, maxQueuedReports: 1, rateLimit: null }, (serverName) => new Promise((resolve) => releases.push(() => resolve(report(serverName, 'pass')))));
    const first = get('/probe?target=slow.example');
    await new Promise((resolve) => setImmediate(resolve));
    const queued = get('/probe?target=queued.example');
    await new Promise((resolve) => setImmediate(resolve));
    expect((await get('/probe?target=other.example')).status).toBe(503);
    const during = await (await get('/metrics')).text();
    expect(sample(during, 'fedcheck_report_requests_in_flight')).toBe(1);
    expect(sample(during, 'fedcheck_report_requests_capacity')).toBe(1);
    expect(sample(during, 'fedcheck_report_requests_queued')).toBe(1);
    expect(sample(during, 'fedcheck_report_requests_queue_capacity')).toBe(1);
    expect(sample(during, 'fedcheck_reports_in_flight')).toBe(1);
    expect(sample(during, 'fedcheck_report_rejections_total{reason="busy"}')).toBe(1);
    releases[0]();
    expect((await first).status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    const next = await (await get('/metrics')).text();
    expect(sample(next, 'fedcheck_report_requests_queued')).toBe(0);
    expect(sample(next, 'fedcheck_report_requests_in_flight')).toBe(1);
    releases[1]();
    expect((await queued).status).toBe(200);
    const after = await (await get('/metrics')).text();
    expect(sample(after, 'fedcheck_reports_in_flight')).toBe(0);
    expect(sample(after, 'fedcheck_report_requests_in_flight')).toBe(0);
  });
});

describe('compression', () => {
  it.each(['/probe?target=example.org', '/metrics'])('%s answers gzip to a client that accepts it, as Prometheus does', async (url) => {
    const { app } = harness();
    const response = await app.request(url, { headers: { 'accept-encoding': 'gzip' } }, { incoming: { socket: { remoteAddress: '192.0.2.1' } } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    const text = gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8');
    expect(checkMetrics(text)).toEqual({ status: 0, output: '' });
  });
});

describe('GET /metrics', () => {
  it('counts runs by verdict and source, their durations, reuse of a shared run, and the process', async () => {
    const { get, calls } = harness({ rateLimit: null });
    await get('/probe?target=example.org');
    await get('/api/v1/report?server_name=example.org'); // within the reuse time: the same run
    await get('/api/federation-ok?server_name=bad.example');
    expect(calls.map((call) => call.serverName)).toEqual(['example.org', 'bad.example']);
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(checkMetrics(text)).toEqual({ status: 0, output: '' });
    expect(sample(text, 'fedcheck_reports_total{verdict="pass",source="proxy"}')).toBe(1);
    expect(sample(text, 'fedcheck_reports_total{verdict="fail",source="proxy"}')).toBe(1);
    expect(sample(text, 'fedcheck_report_duration_seconds_count')).toBe(2);
    expect(sample(text, 'fedcheck_report_duration_seconds_bucket{le="1"}')).toBe(0);
    expect(sample(text, 'fedcheck_report_duration_seconds_bucket{le="2"}')).toBe(2);
    expect(sample(text, 'fedcheck_report_reuses_total')).toBe(1);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });
});
