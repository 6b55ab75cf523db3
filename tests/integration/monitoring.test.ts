// GET /probe for every row of the rig's scenario table, and GET /metrics after them: promtool
// accepts both, and probe_success says what the row's verdict says (1 unless fail).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startRigProxy, type RunningProxy } from '../unit/server/support/proxy.ts';
import { checkMetrics } from '../unit/monitoring/promtool.ts';

const rig = inject('rig');
let proxy: RunningProxy;

beforeAll(async () => {
  proxy = await startRigProxy(rig, { maxConcurrentReports: 100 });
});
afterAll(() => proxy?.close());

describe('GET /probe for every rig scenario', () => {
  for (const scenario of rig.scenarios.filter((s) => s.enabled)) {
    it.concurrent(`${scenario.id}: promtool accepts it; probe_success follows the verdict`, async () => {
      const response = await fetch(`${proxy.url}/probe?target=${encodeURIComponent(scenario.serverName)}`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(checkMetrics(text)).toEqual({ status: 0, output: '' });
      const verdict = /^fedcheck_verdict\{verdict="(\w+)"\} 1$/m.exec(text)?.[1];
      expect(text).toMatch(new RegExp(`^probe_success ${verdict === 'fail' ? 0 : 1}$`, 'm'));
      // The proxy asks one resolver: rows about resolvers that disagree are the island's (proxy.test.ts).
      if (!scenario.expect.checks?.some((id) => id.startsWith('dns.resolvers.'))) expect(verdict).toBe(scenario.expect.verdict);
    });
  }
});

describe('GET /metrics after the probes', () => {
  it('promtool accepts it and it counted the runs', async () => {
    const response = await fetch(`${proxy.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(checkMetrics(text)).toEqual({ status: 0, output: '' });
    const runs = [...text.matchAll(/^fedcheck_reports_total\{[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    expect(runs).toBe(rig.scenarios.filter((s) => s.enabled).length);
  });
});
