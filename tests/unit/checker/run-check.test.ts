// runCheck as a whole: input handling, progress events, deadlines, broken adapters, and
// the verdict rules of DESIGN.md.
import { CONNECTION_CHECKS, PINNED_CHECKS, connectionTesting } from '../../../src/checker/probing.ts';
import { describe, expect, it } from 'vitest';
import { areaStatuses, runCheck, verdictOf, withStrictClientVerdict } from '../../../src/checker/check.ts';
import { CHECK_HEADS, CONNECTION_HEADS, OUTGOING_HEADS, PINNED_HEADS, REPORT_CHECKS, checkHead } from '../../../src/checker/registry.ts';
import { OUTGOING_CHECKS, outgoingTesting } from '../../../src/checker/outgoing.ts';
import { CHECK_METAS, CHECK_REFERENCE } from '../../../src/checker/check-reference.ts';
import { CHECK_AREAS } from '../../../src/checker/evidence.ts';
import type { Finding } from '../../../src/checker/report.ts';
import type { ProgressEvent } from '../../../src/checker/trace.ts';
import { fakeDns, fakeHttp, fakeProber, fixedClock, realClock } from '../../fixtures/fakes.ts';
import { checkScenario, expectValidReport } from './helpers.ts';

describe('registry', () => {
  it('has unique, well-formed ids with docs anchors, titles, fixes and descriptions', () => {
    expect(CHECK_REFERENCE.map((entry) => entry.id)).toEqual(CHECK_METAS.map((meta) => meta.id));
    const ids = CHECK_METAS.map((meta) => meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const meta of CHECK_METAS) {
      expect(meta.id).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
      expect(meta.docs).toBe(`/docs/checks/#${meta.id}`);
      expect(meta.title.length).toBeGreaterThan(3);
      expect(meta.fix.length).toBeGreaterThan(10);
    }
    for (const entry of CHECK_REFERENCE) expect(entry.description.length, entry.id).toBeGreaterThan(20);
    expect(new Set(CHECK_HEADS)).toEqual(new Set([...REPORT_CHECKS.map((check) => check.meta), ...PINNED_HEADS, ...OUTGOING_HEADS, ...CONNECTION_HEADS]));
    // Each check's full metadata is its head with a fix; the report checks' metas are their heads.
    CHECK_METAS.forEach((meta, index) => expect({ ...meta, fix: undefined }).toEqual({ ...CHECK_HEADS[index], fix: undefined }));
    expect(checkHead('keys.signature')?.area).toBe('keys');
    expect(checkHead('nope')).toBeUndefined();
  });

  it('lists checks by area, in the order a peer meets them', () => {
    const ranks = CHECK_METAS.map((meta) => CHECK_AREAS.indexOf(meta.area));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(CHECK_METAS.map((meta) => meta.id).slice(18, 22)).toEqual(['dns.dnssec', 'browser.reachability', 'connection.tcp', 'tls.handshake']);
  });

  it('gives every outgoing check its logic and fix in the outgoing test, in the same order', () => {
    expect(outgoingTesting(null).checks).toBe(OUTGOING_CHECKS);
    expect(OUTGOING_CHECKS.map(({ meta: { fix, ...head } }) => head)).toEqual(OUTGOING_HEADS);
  });

  it('gives every per-connection check its logic and fix in connection testing, in the same order', () => {
    expect(CONNECTION_CHECKS.map(({ meta: { fix, ...head } }) => head)).toEqual(CONNECTION_HEADS);
  });

  it('gives every check over addresses asked one by one its logic and fix in connection testing', () => {
    expect(connectionTesting(fakeProber({ nowMs: Date.now() })).reportChecks).toBe(PINNED_CHECKS);
    expect(PINNED_CHECKS.map(({ meta: { fix, ...head } }) => head)).toEqual(PINNED_HEADS);
    expect(REPORT_CHECKS.some((check) => PINNED_HEADS.some((head) => head.id === check.meta.id))).toBe(false);
  });
});

describe('runCheck input', () => {
  it.each([[''], ['https://matrix.org/'], ['[1.2.3.4]'], ['a:b:c']])('%j gives a failing report without touching the network', async (input) => {
    const dns = fakeDns({});
    const http = fakeHttp({});
    const report = await runCheck(input, { dns, http, clock: fixedClock(), source: 'cli' });
    expectValidReport(report);
    expect(report).toMatchObject({ serverName: input, verdict: 'fail', resolution: null, source: 'cli' });
    expect(report.checks.map((f) => [f.id, f.status])).toEqual([['name.syntax', 'fail']]);
    expect(dns.queries).toEqual([]);
    expect(http.requests).toEqual([]);
  });
});

describe('progress', () => {
  it('emits a start and a finish event for every step, and survives a throwing listener', async () => {
    const events: ProgressEvent[] = [];
    const report = await runCheck('example.org', {
      dns: fakeDns({ 'example.org': { A: ['93.184.215.10'] } }),
      http: fakeHttp({}),
      connections: connectionTesting(fakeProber({ nowMs: Date.now() })),
      clock: fixedClock(),
      source: 'proxy',
      onProgress: (event) => {
        events.push(event);
        throw new Error('listener bug');
      },
    });
    const started = events.filter((e) => e.type === 'step-start').map((e) => e.step.id);
    const finished = events.filter((e) => e.type === 'step-finish').map((e) => e.step.id);
    expect(started.sort()).toEqual(report.steps.map((s) => s.id).sort());
    expect(finished.sort()).toEqual(started.sort());
    const probeFinish = events.find((e) => e.type === 'step-finish' && e.step.id === 'probe:93.184.215.10:8448');
    expect(probeFinish).toMatchObject({ step: { status: 'pass', requests: [{ method: 'PROBE', url: 'https://93.184.215.10:8448/' }] } });
  });
});

describe('connection checks', () => {
  const deps = () => ({ dns: fakeDns({ 'example.org': { A: ['93.184.215.10', '93.184.215.11'] } }), http: fakeHttp({}), clock: fixedClock(), source: 'proxy' as const });

  it('come from the connection testing, one finding per connection, named by it and in registry order', async () => {
    const report = await runCheck('example.org', { ...deps(), connections: connectionTesting(fakeProber({ nowMs: Date.now() })) });
    const tcp = report.checks.filter((finding) => finding.id === 'connection.tcp');
    expect(tcp.map((finding) => finding.data)).toEqual([
      expect.objectContaining({ connection: '93.184.215.10:8448' }),
      expect.objectContaining({ connection: '93.184.215.11:8448' }),
    ]);
    expect(tcp[0].detail).toMatch(/^93\.184\.215\.10:8448: /);
    const order = CHECK_HEADS.map((head) => head.id);
    const ids = report.checks.map((finding) => finding.id);
    expect(ids).toEqual([...ids].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
  });

  it('are not tested without connection testing, or for a check whose logic it lacks', async () => {
    const page = await runCheck('example.org', deps());
    expect(page.checks.filter((finding) => CONNECTION_HEADS.some((head) => head.id === finding.id)).map((finding) => finding.status)).toEqual(CONNECTION_HEADS.map(() => 'skip'));
    const full = connectionTesting(fakeProber({ nowMs: Date.now() }));
    const withoutTcp = { ...full, findings: (...args: Parameters<typeof full.findings>) => (args[0].id === 'connection.tcp' ? null : full.findings(...args)) };
    const report = await runCheck('example.org', { ...deps(), connections: withoutTcp });
    expect(report.checks.filter((finding) => finding.id === 'connection.tcp')).toEqual([expect.objectContaining({ status: 'skip', detail: expect.stringContaining('Not tested') })]);
    expect(report.checks.filter((finding) => finding.id === 'tls.handshake')).toHaveLength(2);
  });
});

describe('failures of the environment', () => {
  it('adapters that throw become failed requests, not a crashed check', async () => {
    const broken = {
      query: async () => {
        throw new Error('resolver exploded');
      },
    };
    const report = await runCheck('example.org', {
      dns: broken,
      http: { get: async () => { throw new TypeError('fetch failed'); } },
      connections: connectionTesting({ probe: async () => { throw new Error('prober exploded'); } }),
      clock: fixedClock(),
      source: 'proxy',
    });
    expectValidReport(report);
    expect(report.verdict).toBe('fail');
    expect(report.checks.find((f) => f.id === 'dns.srv')).toMatchObject({ status: 'fail', detail: expect.stringContaining('resolver exploded') });
    expect(report.steps.find((s) => s.id === 'well-known')?.requests[0].error).toBe('network: fetch failed');
  });

  it('the deadline aborts slow lookups and the report still comes back', async () => {
    const started = performance.now();
    const report = await runCheck('example.org', {
      dns: fakeDns({ 'example.org': { A: ['93.184.215.10'] } }, { delayMs: 5_000 }),
      http: fakeHttp({}, { delayMs: 5_000 }),
      connections: connectionTesting(fakeProber({ nowMs: Date.now() })),
      clock: realClock,
      source: 'cli',
      timeoutMs: 200,
    });
    expect(performance.now() - started).toBeLessThan(1_500);
    expectValidReport(report);
    expect(report.verdict).toBe('fail');
    expect(report.steps.find((s) => s.id === 'srv:_matrix-fed._tcp.example.org')?.requests[0].error).toMatch(/TIMEOUT/);
  });

  it('the caller can cancel through its signal', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const report = await runCheck('example.org', {
      dns: fakeDns({}, { delayMs: 5_000 }),
      http: fakeHttp({}, { delayMs: 5_000 }),
      clock: realClock,
      source: 'browser',
      signal: controller.signal,
    });
    expect(report.durationMs).toBeLessThan(1_000);
  });
});

describe('runCheck end', () => {
  it('ends the signal its requests carried once the check is done, and leaves the caller\'s alone', async () => {
    const caller = new AbortController();
    const http = fakeHttp({});
    const dns = fakeDns({ 'example.org': { A: ['93.184.215.10'] } });
    await runCheck('example.org', { dns, http, clock: fixedClock(), source: 'proxy', signal: caller.signal });
    const signals = new Set(http.requests.map((request) => request.signal));
    // One signal for the whole report (what a proxy's idle connections belong to), now ended.
    expect(signals.size).toBe(1);
    expect([...signals][0]?.aborted).toBe(true);
    expect(caller.signal.aborted).toBe(false);
  });
});

describe('verdict (DESIGN.md)', () => {
  const finding = (id: string, status: Finding['status'], connection?: string): Finding => ({
    id,
    status,
    title: id,
    detail: '',
    docs: '',
    ...(connection ? { data: { connection } } : {}),
  });

  it.each([
    ['all pass', [finding('name.syntax', 'pass'), finding('connection.tcp', 'pass', 'a:1')], 'pass'],
    ['info and skip do not count', [finding('dns.dnssec', 'info'), finding('connection.tcp', 'skip')], 'pass'],
    ['a warning', [finding('dns.srv.legacy', 'warn'), finding('connection.tcp', 'pass', 'a:1')], 'warn'],
    ['one of two connections fails', [finding('connection.tcp', 'pass', 'a:1'), finding('connection.tcp', 'fail', 'b:1')], 'warn'],
    ['every connection fails', [finding('connection.tcp', 'pass', 'a:1'), finding('keys.signature', 'fail', 'a:1'), finding('connection.tcp', 'fail', 'b:1')], 'fail'],
    ['discovery broken', [finding('dns.targets.resolve', 'fail')], 'fail'],
    ['client discovery broken only', [finding('client.wellknown', 'fail'), finding('connection.tcp', 'pass', 'a:1')], 'warn'],
    ['support file broken only', [finding('support.wellknown', 'fail')], 'warn'],
  ])('%s → %s', (_name, findings, verdict) => {
    expect(verdictOf(findings)).toBe(verdict);
  });

  it('the healthy IP-literal server passes end to end', async () => {
    const { report } = await checkScenario('93.184.215.10:8448');
    expect(report.verdict).toBe('pass');
    expect(report.areas).toMatchObject({ name: 'pass', connection: 'pass', tls: 'pass', keys: 'pass' });
  });

  it('a strict client check lets client, sign-in, calls and support failures fail the verdict; outgoing stays capped', () => {
    const clientFails = [finding('connection.tcp', 'pass', 'a:1'), finding('auth.metadata.fields', 'fail')];
    expect(verdictOf(clientFails)).toBe('warn');
    expect(verdictOf(clientFails, { strictClient: true })).toBe('fail');
    for (const id of ['client.wellknown', 'rtc.calls', 'support.wellknown']) expect(verdictOf([finding(id, 'fail')], { strictClient: true }), id).toBe('fail');
    expect(verdictOf([finding('outgoing.reached', 'fail')], { strictClient: true })).toBe('warn');
  });

  it('withStrictClientVerdict recomputes only the verdict and says so', async () => {
    const { report } = await checkScenario('93.184.215.10:8448');
    const failing = { ...report, checks: [...report.checks, finding('rtc.calls', 'fail')] };
    const strict = withStrictClientVerdict(failing);
    expect(strict).toMatchObject({ verdict: 'fail', strictClient: true, checks: failing.checks, areas: failing.areas });
    expectValidReport(strict);
  });

  it('areas: the worst finding of each area, info only for notes, skip only when untested, in area order', () => {
    const areas = areaStatuses([
      finding('support.wellknown', 'info'),
      finding('dns.dnssec', 'info'),
      finding('dns.srv', 'pass'),
      finding('connection.tcp', 'pass', 'a:1'),
      finding('connection.tcp', 'fail', 'b:1'),
      finding('client.wellknown', 'warn'),
      finding('client.wellknown.cors', 'fail'),
      finding('keys.signature', 'skip'),
      finding('not.a.registered.id', 'fail'),
    ]);
    expect(areas).toEqual({ dns: 'pass', connection: 'fail', keys: 'skip', client: 'fail', support: 'info' });
    expect(Object.keys(areas)).toEqual(['dns', 'connection', 'keys', 'client', 'support']);
  });
});
