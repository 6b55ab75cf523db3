// Independent lookups run together: a check takes about as long as its longest chain of
// dependent round trips, not the sum of all of them.
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../../src/checker/check.ts';
import { fakeDns, fakeHttp, fakeProber, realClock } from '../../fixtures/fakes.ts';
import { delegation, expectValidReport, srv, wellKnownUrl } from './helpers.ts';

const DELAY = 100;

describe('concurrency', () => {
  it('delegated + SRV discovery with two addresses takes about 4 × 100 ms, not the sum', async () => {
    const dns = fakeDns(
      {
        '_matrix-fed._tcp.matrix.example.net': { SRV: [srv('fed.example.net', 8448)] },
        'fed.example.net': { A: ['93.184.215.10'], AAAA: ['2a01:4f8::10'] },
      },
      { delayMs: DELAY },
    );
    const http = fakeHttp({ [wellKnownUrl('example.org')]: delegation('matrix.example.net') }, { delayMs: DELAY });
    const prober = fakeProber({ nowMs: Date.now(), delayMs: DELAY });
    // Warm up (module loading, WebCrypto) so the timed run measures only the round trips.
    await runCheck('warm.example', { dns: fakeDns({}), http: fakeHttp({}), prober: fakeProber({ nowMs: Date.now() }), clock: realClock, source: 'proxy' });
    await runCheck('192.0.2.1', { dns: fakeDns({}), http: fakeHttp({}), prober: fakeProber({ nowMs: Date.now() }), clock: realClock, source: 'proxy' });
    const started = performance.now();
    const report = await runCheck('example.org', { dns, http, prober, clock: realClock, source: 'proxy' });
    const elapsed = performance.now() - started;
    expectValidReport(report);

    expect(report.resolution?.step).toBe('well-known-srv');
    expect(prober.requests).toHaveLength(2);
    const calls = dns.queries.length + http.requests.length + prober.requests.length;
    expect(calls).toBeGreaterThanOrEqual(10);
    // The chain: .well-known → SRV of the delegated name → A/AAAA of the target → probes.
    expect(elapsed).toBeGreaterThanOrEqual(4 * DELAY - 5);
    // Less than five round trips (the sum would be twelve); the slack absorbs a busy machine.
    expect(elapsed).toBeLessThan(5 * DELAY);
    expect(elapsed).toBeLessThan(calls * DELAY / 2);

    const start = (id: string) => report.steps.find((step) => step.id === id)!.startedMs;
    // Started together: each began before the first round trip could have finished.
    for (const id of ['well-known', 'srv:_matrix-fed._tcp.example.org', 'resolve:example.org', 'client-well-known', 'support-well-known']) {
      expect(start(id), id).toBeLessThan(DELAY / 2);
    }
    expect(start('srv:_matrix-fed._tcp.matrix.example.net')).toBeGreaterThanOrEqual(DELAY - 5);
    expect(start('resolve:fed.example.net')).toBeGreaterThanOrEqual(2 * DELAY - 5);
    const probes = report.steps.filter((step) => step.id.startsWith('probe:'));
    expect(probes).toHaveLength(2);
    for (const probe of probes) {
      expect(probe.startedMs).toBeGreaterThanOrEqual(3 * DELAY - 5);
      expect(probe.startedMs).toBeLessThan(3.5 * DELAY);
    }
    // A and AAAA of one host are asked together, inside one step.
    const targetLookup = report.steps.find((step) => step.id === 'resolve:fed.example.net')!;
    expect(targetLookup.requests.map((r) => r.url).sort()).toEqual(['dns:fed.example.net?type=A', 'dns:fed.example.net?type=AAAA']);
    expect(targetLookup.durationMs).toBeLessThan(2 * DELAY);
  });
});
