// The probe exposition: the series a report becomes, that promtool accepts them, and that
// text from a hostile server stays bounded, escaped and few.
import { describe, expect, it } from 'vitest';
import { MAX_CONNECTIONS, MAX_LABEL_LENGTH, labelValue, renderProbeExposition } from '../../../src/monitoring/probe-exposition.ts';
import { checkScenario } from '../checker/helpers.ts';
import { checkMetrics } from './promtool.ts';

/** `name{labels} value` lines as [series, value]. */
function samples(exposition: string): Map<string, number> {
  return new Map(
    exposition
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const cut = line.lastIndexOf(' ');
        return [line.slice(0, cut), Number(line.slice(cut + 1))];
      }),
  );
}

const healthyZone = { 'example.org': { A: ['93.184.215.10'], AAAA: ['2606:2800:21f:cb07:6820:80da:af6b:8b2c'] } };

describe('probe exposition of a report', () => {
  it('a healthy server: probe_success 1, verdict, areas, checks, certificate, software, resolution and timings', async () => {
    const { report } = await checkScenario('example.org', { zone: healthyZone });
    const text = await renderProbeExposition(report);
    expect(checkMetrics(text)).toEqual({ status: 0, output: '' });
    const values = samples(text);
    expect(values.get('probe_success')).toBe(1);
    expect(values.get('probe_duration_seconds')).toBe(report.durationMs / 1000);
    expect(values.get('fedcheck_verdict{verdict="pass"}')).toBe(1);
    expect(values.get('fedcheck_verdict{verdict="fail"}')).toBe(0);
    expect(values.get('fedcheck_area_status{area="tls",status="pass"}')).toBe(1);
    expect(values.get('fedcheck_area_status{area="tls",status="fail"}')).toBe(0);
    expect(values.get('fedcheck_check_status{id="tls.certificate.name",area="tls",status="pass"}')).toBe(1);
    expect(values.get('fedcheck_resolution_addresses{family="ipv4"}')).toBe(1);
    expect(values.get('fedcheck_resolution_addresses{family="ipv6"}')).toBe(1);
    expect(values.get('fedcheck_resolution_info{step="default",delegated_server_name="",host_header="example.org",tls_name="example.org"}')).toBe(1);
    const notAfter = report.connections[0].certificate!.notAfter;
    expect(values.get('fedcheck_tls_certificate_expiry_timestamp_seconds{address="93.184.215.10",port="8448"}')).toBe(Date.parse(notAfter) / 1000);
    expect(
      values.get(
        'fedcheck_tls_certificate_info{address="93.184.215.10",port="8448",fingerprint_sha256="aabb",subject="CN=example.org",issuer="CN=Fake Public CA",trusted="true",name_matches="true"}',
      ),
    ).toBe(1);
    expect(values.get('fedcheck_server_info{address="93.184.215.10",port="8448",name="Synapse",version="1.140.0"}')).toBe(1);
    expect(values.get('fedcheck_connection_success{address="2606:2800:21f:cb07:6820:80da:af6b:8b2c",port="8448"}')).toBe(1);
    const wellKnown = report.steps.find((step) => step.id === 'well-known')!;
    expect(values.get('fedcheck_step_duration_seconds{step="well-known",subject=""}')).toBe(wellKnown.durationMs / 1000);
    expect([...values.keys()].some((series) => series.startsWith('fedcheck_step_duration_seconds{step="resolve",subject="example.org"'))).toBe(true);
  });

  it('a server whose only address refuses connections: probe_success 0, the connection fails, verdict fail', async () => {
    const { report } = await checkScenario('example.org', { zone: { 'example.org': { A: ['93.184.215.10'] } }, prober: { closed: ['93.184.215.10:8448'] } });
    const values = samples(await renderProbeExposition(report));
    expect(report.verdict).toBe('fail');
    expect(values.get('probe_success')).toBe(0);
    expect(values.get('fedcheck_verdict{verdict="fail"}')).toBe(1);
    expect(values.get('fedcheck_connection_success{address="93.184.215.10",port="8448"}')).toBe(0);
    expect(values.get('fedcheck_area_status{area="connection",status="fail"}')).toBe(1);
  });

  it('a warn verdict still counts as working federation (probe_success 1), as FederationOK', async () => {
    const { report } = await checkScenario('example.org', {
      zone: { 'example.org': { A: ['93.184.215.10', '93.184.215.11'] } },
      prober: { closed: ['93.184.215.11:8448'] },
    });
    const values = samples(await renderProbeExposition(report));
    expect(report.verdict).toBe('warn');
    expect(values.get('probe_success')).toBe(1);
    expect(values.get('fedcheck_verdict{verdict="warn"}')).toBe(1);
  });

  it('a hostile server: its text is escaped, cut to length, and it cannot add more than the bounded series', async () => {
    const addresses = Array.from({ length: 40 }, (_, i) => `93.184.216.${i + 1}`);
    const software = `Evil"Server\\\n${'x'.repeat(5000)}\u0000`;
    const { report } = await checkScenario('example.org', {
      zone: { 'example.org': { A: addresses } },
      prober: {
        overrides: Object.fromEntries(
          addresses.map((address) => [
            `${address}:8448`,
            (healthy) => ({
              ...healthy,
              version: { ...healthy.version!, body: JSON.stringify({ server: { name: software, version: '1"}\n# TYPE x counter' } }) },
              tls: { ...healthy.tls!, certificates: [{ ...healthy.tls!.certificates[0], issuer: 'CN=a"b\nc' }] },
            }),
          ]),
        ),
      },
    });
    const text = await renderProbeExposition(report);
    expect(checkMetrics(text)).toEqual({ status: 0, output: '' });
    const serverLines = text.split('\n').filter((line) => line.startsWith('fedcheck_server_info{'));
    expect(serverLines).toHaveLength(MAX_CONNECTIONS);
    expect(serverLines[0]).toContain('name="Evil\\"Server\\\\\\n');
    expect(serverLines[0]).toContain('version="1\\"}\\n# TYPE x counter"');
    expect(text).toContain('issuer="CN=a\\"b\\nc"');
    expect(text.split('\n').filter((line) => line.startsWith('# TYPE x'))).toEqual([]);
    expect(text.split('\n').filter((line) => line.startsWith('fedcheck_tls_certificate_expiry_timestamp_seconds{'))).toHaveLength(MAX_CONNECTIONS);
  });

  it('labelValue: cuts to the bound with an ellipsis, replaces control characters and lone surrogates', () => {
    expect([...labelValue('é'.repeat(500))]).toHaveLength(MAX_LABEL_LENGTH);
    expect(labelValue('é'.repeat(500)).endsWith('…')).toBe(true);
    expect(labelValue('a\u0000b\u009bc')).toBe('a\uFFFDb\uFFFDc');
    expect(labelValue('x\uD800y')).toBe('x\uFFFDy');
    expect(labelValue('short')).toBe('short');
  });
});
