import { describe, it, expect } from 'vitest';
import { areaOf, mergeReports } from '../../../src/adapters/browser/check.ts';
import type { Finding, Report, TraceStep } from '../../../src/checker/report.ts';

const finding = (id: string, status: Finding['status'], data?: unknown): Finding => ({
  id,
  status,
  title: id,
  detail: `${id} ${status}`,
  docs: `/docs/checks/#${id}`,
  ...(data ? { data } : {}),
});

function report(source: Report['source'], addresses: string[], checks: Finding[]): Report {
  return {
    schema: 'fedcheck.report/1',
    serverName: 'example.org',
    checkedAt: '2026-11-26T08:00:00.000Z',
    source,
    durationMs: 100,
    verdict: 'pass',
    areas: {},
    resolution: { step: 'default', hostHeader: 'example.org', tlsName: 'example.org', sni: 'example.org', targets: [{ host: 'example.org', port: 8448, addresses }] },
    steps: [],
    checks,
    connections: [],
  };
}

const proxyStep: TraceStep = { id: 'proxy', label: 'proxy', status: 'fail', startedMs: 0, durationMs: 90, requests: [] };

describe('mergeReports', () => {
  const browser = report('browser', ['192.0.2.1'], [
    finding('wellknown.server.status', 'pass'),
    finding('browser.reachability', 'pass', { connection: 'example.org:8448' }),
    finding('tls.certificate.expiry', 'skip'),
    finding('keys.signature', 'skip'),
  ]);

  it('takes connection, TLS and key findings from the proxy, DNS and .well-known from the browser', () => {
    const proxy = report('proxy', ['192.0.2.1'], [
      finding('wellknown.server.status', 'fail'),
      finding('tls.certificate.expiry', 'fail', { connection: '192.0.2.1:8448' }),
      finding('keys.signature', 'pass', { connection: '192.0.2.1:8448' }),
    ]);
    const merged = mergeReports(browser, proxy, proxyStep);
    expect(merged.checks.map((check) => `${check.id} ${check.status}`)).toEqual([
      'wellknown.server.status pass',
      'tls.certificate.expiry fail',
      'keys.signature pass',
    ]);
    expect(merged.source).toBe('browser');
    expect(merged.steps).toEqual([proxyStep]);
  });

  it('takes the proxy\'s comparison of the server name\'s addresses, which a page cannot ask one by one', () => {
    const page = report('browser', ['192.0.2.1'], [...browser.checks, finding('wellknown.server.consistent', 'skip')]);
    const proxy = report('proxy', ['192.0.2.1'], [finding('wellknown.server.status', 'pass'), finding('wellknown.server.consistent', 'warn')]);
    const merged = mergeReports(page, proxy, proxyStep);
    expect(merged.checks.filter((check) => check.id.startsWith('wellknown.')).map((check) => `${check.id} ${check.status}`)).toEqual([
      'wellknown.server.status pass',
      'wellknown.server.consistent warn',
    ]);
    expect(merged.checks.find((check) => check.id === 'wellknown.server.status')).toBe(page.checks[0]);
    expect(merged.verdict).toBe('warn');
  });

  it('keeps the page\'s sign-in findings, and takes the proxy\'s where the page has none', () => {
    const proxy = report('proxy', ['192.0.2.1'], [finding('auth.metadata', 'pass'), finding('auth.metadata.cors', 'pass')]);
    const withPage = report('browser', ['192.0.2.1'], [...browser.checks, finding('auth.metadata', 'warn')]);
    expect(mergeReports(withPage, proxy, proxyStep).checks.filter((check) => check.id.startsWith('auth.')).map((check) => `${check.id} ${check.status}`)).toEqual(['auth.metadata warn']);
    const merged = mergeReports(browser, proxy, proxyStep);
    expect(merged.checks.filter((check) => check.id.startsWith('auth.')).map((check) => `${check.id} ${check.status}`)).toEqual(['auth.metadata pass', 'auth.metadata.cors pass']);
    expect(merged.areas.auth).toBe('pass');
  });

  it('takes the proxy\'s client findings when the page could not reach the client file (it cannot tell refused from untrusted)', () => {
    const unreachable = report('browser', ['192.0.2.1'], [...browser.checks, finding('client.wellknown', 'warn', { unreachableFromBrowser: true })]);
    const proxy = report('proxy', ['192.0.2.1'], [finding('client.wellknown', 'info')]);
    const merged = mergeReports(unreachable, proxy, proxyStep);
    expect(merged.checks.filter((check) => check.id.startsWith('client.')).map((check) => `${check.id} ${check.status}`)).toEqual(['client.wellknown info']);
    expect(merged.areas.client).toBe('info');
    // A client file the page did read stays the page's.
    const read = report('browser', ['192.0.2.1'], [...browser.checks, finding('client.wellknown', 'fail')]);
    expect(mergeReports(read, proxy, proxyStep).checks.filter((check) => check.id.startsWith('client.')).map((check) => check.status)).toEqual(['fail']);
  });

  it('recomputes the verdict with the core\'s rules', () => {
    const proxy = report('proxy', ['192.0.2.1'], [finding('tls.certificate.expiry', 'fail', { connection: '192.0.2.1:8448' })]);
    expect(mergeReports(browser, proxy, proxyStep).verdict).toBe('fail');
  });

  it('flags different targets in the browser\'s DoH view and the proxy\'s DNS view', () => {
    const proxy = report('proxy', ['192.0.2.99'], []);
    const merged = mergeReports(browser, proxy, proxyStep);
    const difference = merged.checks.find((check) => check.id === 'dns.resolvers.agree');
    expect(difference).toMatchObject({ status: 'warn', docs: '/docs/checks/#dns.resolvers.agree' });
    expect(difference?.detail).toContain('example.org:8448 → 192.0.2.1');
    expect(difference?.detail).toContain('example.org:8448 → 192.0.2.99');
    expect(merged.verdict).toBe('warn');
  });
});

describe('areaOf', () => {
  it('reads the registry, and falls back to the first word for ids it does not know', () => {
    expect(areaOf('wellknown.server.status')).toBe('well-known');
    expect(areaOf('tls.future-check')).toBe('tls');
  });
});
