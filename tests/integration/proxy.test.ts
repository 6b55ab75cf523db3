// Every row of the rig's scenario table through GET /api/v1/report on a real socket:
// the resolution step, targets, Host/SNI/certificate name, verdict, failing checks and the
// area statuses a row expects.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createNodeAdapters } from '../../src/adapters/node/index.ts';
import type { Report } from '../../src/checker/report.ts';
import { startProxy, type RunningProxy } from '../unit/server/support/proxy.ts';

const rig = inject('rig');
let proxy: RunningProxy;

beforeAll(async () => {
  const adapters = createNodeAdapters({ dnsServers: [rig.dns.server], allowPrivate: true, extraCa: [readFileSync(rig.ca.root, 'utf8')] });
  proxy = await startProxy({ dnsServers: [rig.dns.server], allowPrivate: true, rateLimit: null, maxConcurrentReports: 100 }, adapters);
});
afterAll(() => proxy?.close());

const hostPort = (address: string, port: number) => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);

function problems(report: Report): string[] {
  return report.checks.filter((c) => c.status === 'fail' || c.status === 'warn').map((c) => c.id);
}

describe('the rig scenario table through /api/v1/report', () => {
  for (const scenario of rig.scenarios.filter((s) => s.enabled)) {
    const { expect: want } = scenario;
    it.concurrent(`${scenario.id}: ${scenario.summary}`, async () => {
      const { status, body: report } = await proxy.report(scenario.serverName);
      expect(status).toBe(200);
      expect(report).toMatchObject({ schema: 'fedcheck.report/1', serverName: scenario.serverName, source: 'proxy' });
      const context = JSON.stringify({ resolution: report.resolution, problems: report.checks.filter((c) => c.status === 'fail' || c.status === 'warn').map((c) => `${c.id}: ${c.detail}`) }, null, 1);
      expect(report.resolution?.step, context).toBe(want.step);
      if (want.connect) {
        const targets = report.resolution!.targets.flatMap((t) => t.addresses.map((a) => hostPort(a, t.port)));
        expect(targets, context).toContain(want.connect);
        expect(report.connections.map((c) => hostPort(c.address, c.port)), context).toContain(want.connect);
      }
      if (want.hostHeader !== undefined) expect(report.resolution!.hostHeader).toBe(want.hostHeader);
      if (want.tlsName !== undefined) expect(report.resolution!.tlsName).toBe(want.tlsName);
      if (want.sni !== undefined) expect(report.resolution!.sni ?? null).toBe(want.sni);
      if (want.delegatedServerName !== undefined) expect(report.resolution!.delegatedServerName).toBe(want.delegatedServerName);
      // The proxy asks one node:dns resolver, so a row about resolvers that disagree (a
      // comparison only the island's DoH fan-out can make) is checked up to its findings.
      if (want.checks?.some((id) => id.startsWith('dns.resolvers.'))) return;
      for (const id of want.checks ?? []) expect(problems(report), context).toContain(id);
      expect(report.verdict, context).toBe(want.verdict);
      if (want.areas) expect(report.areas, context).toMatchObject(want.areas);
    });
  }
});

describe('a DNS error on the SRV lookup (Part C 3)', () => {
  it('srv-servfail: dns.srv is the only failure and names the SERVFAIL; the 8448 fallback answered', async () => {
    const row = rig.scenarios.find((s) => s.id === 'srv-servfail')!;
    const { body: report } = await proxy.report(row.serverName);
    const failures = report.checks.filter((c) => c.status === 'fail').map(({ id, detail }) => ({ id, detail }));
    expect(failures).toEqual([{ id: 'dns.srv', detail: expect.stringContaining(`SRV _matrix-fed._tcp.${row.serverName}: SERVFAIL`) }]);
    expect(report.connections).toMatchObject([{ address: row.address, port: 8448, tls: { ok: true }, version: { name: 'fedcheck-rig' } }]);
  });
});
