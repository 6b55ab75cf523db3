// Every row of the rig's scenario table through GET /api/v1/report on a real socket:
// the resolution step, targets, Host/SNI/certificate name, verdict, failing checks and the
// area statuses a row expects.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Report } from '../../src/checker/report.ts';
import { expectValidReport } from '../unit/checker/helpers.ts';
import { startRigProxy, type RunningProxy } from '../unit/server/support/proxy.ts';

const rig = inject('rig');
let proxy: RunningProxy;

beforeAll(async () => {
  proxy = await startRigProxy(rig, { maxConcurrentReports: 100 });
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
      if (want.areas) expect(report.areas, context).toMatchObject(want.areas);
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

describe('certificates as the server sent them (Part C 15)', () => {
  const finding = (report: Report, id: string) => report.checks.find((check) => check.id === id)!;

  it('good: the chain the server sent (leaf and intermediate), apart from the root the trust store added', async () => {
    const { body: report } = await proxy.report(rig.scenarios.find((s) => s.id === 'good')!.serverName);
    const trusted = finding(report, 'tls.certificate.trusted');
    expect(trusted).toMatchObject({ status: 'pass', detail: expect.stringContaining('the server sent 2 (') });
    expect(trusted.data).toMatchObject({ sent: expect.stringMatching(/^matrix\.good\.fed\.test, fedcheck test intermediate /), fromTrustStore: expect.stringMatching(/^fedcheck test root /) });
  });

  it('cert-leaf-only, with a trust store that holds the intermediate (Node completes the chain): fails, the intermediate is not sent', async () => {
    const extraCa = [readFileSync(rig.ca.root, 'utf8'), readFileSync(rig.ca.intermediate, 'utf8')];
    const completing = await startRigProxy(rig, {}, { extraCa });
    try {
      const { body: report } = await completing.report(rig.scenarios.find((s) => s.id === 'cert-leaf-only')!.serverName);
      const trusted = finding(report, 'tls.certificate.trusted');
      expect(trusted.status).toBe('fail');
      expect(trusted.detail).toMatch(/does not send the intermediate certificate fedcheck test intermediate .*it sent 1 \(cert-leaf-only\.fed\.test\)/);
      expect(report.verdict).toBe('fail');
      expect(report.connections[0].certificate).toMatchObject({ subjectCommonName: 'cert-leaf-only.fed.test', trusted: false });
      // The same proxy passes a server that sends its intermediate.
      expect((await completing.report(rig.scenarios.find((s) => s.id === 'good')!.serverName)).body.verdict).toBe('pass');
    } finally {
      await completing.close();
    }
  });
});

describe('DNSSEC through a validating resolver (unbound, with fed.test\'s key as trust anchor)', () => {
  it('dnssec-signed is validated (AD), dnssec-unsigned (delegated without DS) is not', async () => {
    const validating = await startRigProxy(rig, {}, { dnsServer: rig.dns.validating });
    try {
      const dnssec = async (id: string) => {
        const { body: report } = await validating.report(rig.scenarios.find((s) => s.id === id)!.serverName);
        expect(report.verdict).toBe('pass');
        return report.checks.filter((check) => check.id === 'dns.dnssec').map(({ status, detail }) => ({ status, detail }));
      };
      expect(await dnssec('dnssec-signed')).toEqual([{ status: 'info', detail: 'All answers were DNSSEC-validated.' }]);
      expect(await dnssec('dnssec-unsigned')).toEqual([{ status: 'info', detail: expect.stringMatching(/^No answer was DNSSEC-validated/) }]);
      // Bogus: the validating resolver refuses the answers (SERVFAIL), which knot alone gives.
      const { body: bogus } = await validating.report(rig.scenarios.find((s) => s.id === 'dnssec-bogus')!.serverName);
      expect(bogus.verdict).toBe('fail');
      expect(bogus.checks.find((check) => check.id === 'dns.targets.resolve')).toMatchObject({ status: 'fail', detail: expect.stringContaining('SERVFAIL') });
    } finally {
      await validating.close();
    }
  });

  it('knot alone (authoritative, no validation) gives no AD flag', async () => {
    const { body: report } = await proxy.report(rig.scenarios.find((s) => s.id === 'dnssec-signed')!.serverName);
    expect(report.checks.find((check) => check.id === 'dns.dnssec')?.detail).toMatch(/^No answer was DNSSEC-validated/);
  });
});

describe('the proxy\'s upstream resolver stops answering (the rig\'s blackhole)', () => {
  it('still answers with a complete report within its deadline, which says the DNS questions timed out', async () => {
    const reportTimeoutMs = 12_000;
    const deaf = await startRigProxy(rig, { reportTimeoutMs }, { dnsServer: rig.dns.blackhole });
    try {
      const { status, body: report } = await deaf.report(rig.scenarios.find((s) => s.id === 'good')!.serverName);
      expect(status).toBe(200);
      expectValidReport(report);
      expect(report.durationMs).toBeLessThanOrEqual(reportTimeoutMs + 1000);
      expect(report.verdict).toBe('fail');
      const dns = report.checks.filter((check) => check.id === 'dns.targets.resolve' || check.id === 'dns.srv');
      expect(dns.map((check) => check.detail).join('\n')).toMatch(/TIMEOUT/);
      expect(dns.some((check) => check.status === 'fail')).toBe(true);
    } finally {
      await deaf.close();
    }
  });
});
