// A report like the core's, and an engine that returns it: the island's tests run
// without a network and without the core.
import type { Engine } from '../../src/components/Checker.tsx';
import type { BrowserCheckOptions } from '../../src/adapters/browser/check.ts';
import type { Finding, Report } from '../../src/checker/report.ts';

export const XSS = '<img src=x onerror=alert(1)>';

export function finding(id: string, status: Finding['status'], detail: string, extra: Partial<Finding> = {}): Finding {
  return { id, status, title: `Title of ${id}`, detail, docs: `/docs/checks/#${id}`, ...extra };
}

export function report(overrides: Partial<Report> = {}): Report {
  return {
    schema: 'fedcheck.report/1',
    serverName: 'example.org',
    checkedAt: '2026-11-26T08:00:00.000Z',
    source: 'browser',
    durationMs: 420,
    verdict: 'warn',
    areas: { 'well-known': 'pass', dns: 'warn', tls: 'skip', client: 'fail' },
    resolution: {
      step: 'well-known-srv',
      delegatedServerName: 'matrix.example.org',
      hostHeader: 'matrix.example.org',
      tlsName: 'matrix.example.org',
      sni: 'matrix.example.org',
      targets: [
        { host: 'target.example.org', port: 8450, addresses: ['192.0.2.10'], srv: { name: '_matrix-fed._tcp.matrix.example.org', priority: 10, weight: 5 } },
      ],
    },
    steps: [
      {
        id: 'well-known',
        label: 'Fetch /.well-known/matrix/server',
        status: 'pass',
        startedMs: 0,
        durationMs: 120,
        requests: [{ method: 'GET', url: 'https://example.org/.well-known/matrix/server', status: 200 }],
      },
      { id: 'srv', label: 'SRV lookup', status: 'pass', startedMs: 120, durationMs: 80, requests: [{ method: 'DNS', url: 'dns:_matrix-fed._tcp.matrix.example.org?type=SRV' }] },
    ],
    checks: [
      finding('wellknown.server.m-server', 'pass', `m.server is ${XSS}`),
      finding('dns.srv.legacy', 'warn', 'Only the deprecated _matrix._tcp record exists.', { fix: 'Publish _matrix-fed._tcp.' }),
      finding('tls.certificate.name', 'skip', 'Not tested from this page.'),
      finding('client.wellknown.cors', 'fail', 'No Access-Control-Allow-Origin.', { fix: 'Add the header.' }),
    ],
    connections: [],
    ...overrides,
  };
}

const AREAS: Record<string, string> = { wellknown: 'well-known', dns: 'dns', tls: 'tls', client: 'client' };

export function fakeEngine(result: Report | ((serverName: string) => Report) = report()) {
  const calls: { serverName: string; options: BrowserCheckOptions }[] = [];
  const engine: Engine = {
    async checkFromBrowser(serverName, options) {
      calls.push({ serverName, options });
      options.onProgress({ type: 'step-start', step: { id: 'well-known', label: 'Fetch /.well-known/matrix/server', startedMs: 0 } });
      const value = typeof result === 'function' ? result(serverName) : { ...result, serverName };
      return { report: value };
    },
    areaOf: (id) => AREAS[id.split('.')[0]] ?? 'other',
    renderMarkdown: (value) => `# ${value.serverName}\n`,
    connectionKey: (address, port) => `${address}:${port}`,
  };
  return { load: async () => engine, calls };
}
