// The report service shares runs: clients asking for one server name at once get one run,
// a finished report answers for the reuse time, and a run stops when its last client goes.
import { describe, expect, it } from 'vitest';
import type { CheckDeps } from '../../../src/checker/check.ts';
import { REPORT_SCHEMA, type Report } from '../../../src/checker/report.ts';
import type { NodeAdapters } from '../../../src/adapters/node/index.ts';
import { createReportService } from '../../../src/server/reports.ts';

const adapters = {} as NodeAdapters;

/** A checker whose runs finish when the test says so, and that records what it was given. */
function controllableCheck() {
  const calls: { serverName: string; signal: AbortSignal; finish(): void }[] = [];
  const check = (serverName: string, deps: CheckDeps) =>
    new Promise<Report>((resolve, reject) => {
      const report: Report = { schema: REPORT_SCHEMA, serverName, checkedAt: new Date(0).toISOString(), source: 'proxy', durationMs: calls.length, verdict: 'pass', areas: {}, resolution: null, steps: [], checks: [], connections: [] };
      deps.signal!.addEventListener('abort', () => reject(deps.signal!.reason));
      calls.push({ serverName, signal: deps.signal!, finish: () => resolve(report) });
    });
  return { calls, check };
}

function service(reuseMs: number) {
  let clock = 1000;
  const { calls, check } = controllableCheck();
  const reports = createReportService({ adapters, reportTimeoutMs: 5000, allowPrivate: false, reuseMs, check, now: () => clock });
  return { reports, calls, advance: (ms: number) => (clock += ms) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('report service', () => {
  it('gives clients asking for one name at the same time one run, and other names their own', async () => {
    const { reports, calls } = service(5000);
    const first = reports.run('example.org', new AbortController().signal);
    const second = reports.run('example.org', new AbortController().signal);
    const other = reports.run('example.net', new AbortController().signal);
    expect(calls.map((call) => call.serverName)).toEqual(['example.org', 'example.net']);
    calls.forEach((call) => call.finish());
    expect(await first).toBe(await second);
    expect((await other).serverName).toBe('example.net');
  });

  it('answers with a finished report for the reuse time, then runs again', async () => {
    const { reports, calls, advance } = service(5000);
    const first = reports.run('example.org', new AbortController().signal);
    calls[0].finish();
    const report = await first;
    advance(4999);
    expect(await reports.run('example.org', new AbortController().signal)).toBe(report);
    expect(calls).toHaveLength(1);
    advance(1);
    const fresh = reports.run('example.org', new AbortController().signal);
    expect(calls).toHaveLength(2);
    calls[1].finish();
    expect(await fresh).not.toBe(report);
  });

  it('keeps a run going while one of its clients remains, and stops it when the last one goes', async () => {
    const { reports, calls } = service(5000);
    const leaving = new AbortController();
    const staying = new AbortController();
    const left = reports.run('example.org', leaving.signal);
    const stayed = reports.run('example.org', staying.signal);
    leaving.abort(new Error('client went away'));
    await expect(left).rejects.toThrow('client went away');
    expect(calls[0].signal.aborted).toBe(false);
    calls[0].finish();
    expect((await stayed).serverName).toBe('example.org');

    const alone = new AbortController();
    const abandoned = reports.run('example.com', alone.signal);
    alone.abort(new Error('gone too'));
    await expect(abandoned).rejects.toThrow('gone too');
    expect(calls[1].signal.aborted).toBe(true);
    // A stopped run is not reused: the next client gets a run of its own.
    void reports.run('example.com', new AbortController().signal);
    await settle();
    expect(calls.map((call) => call.serverName)).toEqual(['example.org', 'example.com', 'example.com']);
  });

  it('shares nothing with a reuse time of 0', async () => {
    const { reports, calls } = service(0);
    const runs = [reports.run('example.org', new AbortController().signal), reports.run('example.org', new AbortController().signal)];
    expect(calls).toHaveLength(2);
    calls.forEach((call) => call.finish());
    const [first, second] = await Promise.all(runs);
    expect(first).not.toBe(second);
  });

  it('hands over the evidence only when the checker gave it', async () => {
    const { reports, calls } = service(0);
    const withEvidence = reports.runWithEvidence('example.org', new AbortController().signal);
    calls[0].finish();
    await expect(withEvidence).rejects.toThrow('without handing over its evidence');
  });
});
