// The limits on a real socket with the real checker: a per-client token bucket (429 with
// Retry-After; other clients still served) and a global cap on concurrent reports with a
// bounded queue before it (503 once the queue is full).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeAdapters } from '../../src/adapters/node/index.ts';
import { startFakeDns, type FakeDnsServer } from '../unit/adapters-node/support/dns-server.ts';
import { startProxy, type RunningProxy } from '../unit/server/support/proxy.ts';

let dns: FakeDnsServer;

beforeAll(async () => {
  // Every name is NXDOMAIN (a quick report) except slow.test, whose questions go unanswered.
  dns = await startFakeDns({ 'slow.test': { drop: true } });
});
afterAll(() => dns?.close());

const adapters = () => createNodeAdapters({ dnsServers: [dns.address], allowPrivate: true });

describe('per-client rate limit', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startProxy({ dnsServers: [dns.address], rateLimit: { burst: 3, windowMs: 60_000 } }, adapters());
  });
  afterAll(() => proxy?.close());

  it('answers 429 with Retry-After after the burst, while other clients are still served', async () => {
    for (let i = 0; i < 3; i++) expect((await proxy.report('nothing.test', '127.0.0.1')).status).toBe(200);
    const limited = await proxy.report('nothing.test', '127.0.0.1');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('20');
    expect(limited.headers.get('access-control-allow-origin')).toBe('*');
    expect(limited.body.error).toEqual({ code: 'rate_limited', message: 'too many reports from your address; try again in 20 s' });
    const other = await proxy.report('nothing.test', '127.0.0.2');
    expect(other.status).toBe(200);
    expect(other.body.verdict).toBe('fail');
    expect(proxy.log.filter((line) => line.includes(' 127.0.0.1 ')).map((line) => line.split('" ')[1].split(' ')[0])).toEqual(['200', '200', '200', '429']);
  });
});

describe('global concurrency cap', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startProxy({ dnsServers: [dns.address], rateLimit: null, maxConcurrentReports: 2, maxQueuedReports: 1, reportTimeoutMs: 1500 }, adapters());
  });
  afterAll(() => proxy?.close());

  it('queues one request while the cap is reached, answers 503 beyond, and serves the queued one when reports finish at their deadline', async () => {
    const started = performance.now();
    const slow = [proxy.report('slow.test', '127.0.0.1'), proxy.report('slow.test', '127.0.0.2')];
    await new Promise((resolve) => setTimeout(resolve, 200));
    const queued = proxy.report('nothing.test', '127.0.0.4');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const busy = await proxy.report('nothing.test', '127.0.0.3');
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBeTruthy();
    expect(busy.body.error?.code).toBe('busy');
    const finished = await Promise.all([...slow, queued]);
    expect(finished.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(finished[2].body.verdict).toBe('fail');
    expect(performance.now() - started).toBeLessThan(1500 + 1000);
    expect((await proxy.report('nothing.test', '127.0.0.3')).status).toBe(200);
  });
});
