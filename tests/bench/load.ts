// The proxy under load, on a rig without injected delay (the proxy's own cost, not the
// network's), all on loopback: 200 concurrent clients for a fixed time against
// /api/v1/report for a fast passing scenario.
// 1. Rate limiting off, the proxy's defaults for concurrency (a few reports at once, the rest
//    waiting their turn in its queue, src/server/limits.ts): reports/s, latency as the clients
//    see it, as the proxy's access log has it (queue wait included) and as the report itself says
//    (its durationMs: the report alone, without the wait), errors, reports that did
//    not pass (a DNS or TLS timeout under load shows up as a failing report, not an HTTP error),
//    the proxy's CPU time per report (user + system: what the machine's load moves least), and
//    its peak RSS (VmHWM). FEDCHECK_BENCH_CPU_PROF_DIR=DIR keeps a --cpu-prof profile of it.
// 2. The default rate limit (30 reports a minute per client; every client here is 127.0.0.1):
//    the share of 429s, that each carries Retry-After, and that nothing failed otherwise.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { proxyReportUrl } from '../../src/adapters/browser/proxy.ts';
import { startRig } from '../rig/rig.ts';
import { atMost, exactly, figure, percentile, type Figure } from './figure.ts';
import { processCpuMs } from './process-cpu.ts';
import { quietStart } from './quiet.ts';
import { scoped } from './resources.ts';
import { scenarioRow, startRigProxy } from './rig-proxy.ts';

export const LOAD_CLIENTS = 200;
const UNLIMITED_SECONDS = 30;
/** Issue 17: at 200 concurrent reports. */
const PEAK_RSS_TARGET_MB = 150;
const P99_TARGET_MS = 2000;
/** 429s are answered at once; a shorter run already shows thousands of them. */
const LIMITED_SECONDS = 10;
/**
 * The 200 clients' first requests all arrive at once at a proxy that has not run a report
 * yet (its code not yet compiled by V8's optimising tiers): the last of that first wave waits
 * longest. The clients' p99 is measured over the whole run as before; beside it, the p99 of
 * requests sent after this many seconds says what the clients of a running proxy wait.
 */
const WARM_AFTER_SECONDS = 5;
/** Step 2: one A/AAAA lookup and one probe, no .well-known, no SRV. */
export const LOAD_SCENARIO = 'explicit-port';

export function loadFigures(siteDir: string): Promise<Figure[]> {
  return scoped(async (use) => {
    const { state: rig } = use(await startRig());
    const row = scenarioRow(rig, LOAD_SCENARIO);
    const load = await quietStart('load');

    const unlimited = await scoped(async (useServer) => {
      const profileDir = process.env.FEDCHECK_BENCH_CPU_PROF_DIR;
      const profile: Record<string, string> = profileDir ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${profileDir}`.trim() } : {};
      const proxy = useServer(await startRigProxy(rig, siteDir, { FEDCHECK_RATE_LIMIT: 'off', ...profile }));
      let notPassing = 0;
      const reportMs: number[] = [];
      const cpuBefore = processCpuMs(proxy.process.pid!);
      const result = await hammer(proxyReportUrl(proxy.url, row.serverName), UNLIMITED_SECONDS, (status, body) => {
        if (status !== 200) return;
        const report = JSON.parse(body) as { verdict: string; durationMs: number };
        if (report.verdict !== row.expect.verdict) notPassing++;
        reportMs.push(report.durationMs);
      });
      const cpuMs = processCpuMs(proxy.process.pid!) - cpuBefore;
      return { result, notPassing, cpuMs, reportMs, peakRssKb: processMemoryKb(proxy.process.pid!).VmHWM, serverMs: reportTimesMs(proxy.output()) };
    });

    const limited = await scoped(async (useServer) => {
      const proxy = useServer(await startRigProxy(rig, siteDir));
      let withoutRetryAfter = 0;
      const result = await hammer(proxyReportUrl(proxy.url, row.serverName), LIMITED_SECONDS, (status, _body, headers) => {
        if (status === 429 && !Object.keys(headers).some((name) => name.toLowerCase() === 'retry-after')) withoutRetryAfter++;
      });
      return { result, withoutRetryAfter };
    });

    const u = unlimited.result;
    const l = limited.result;
    // Which kind of failure, when there are any: the one figure does not say.
    if (u.errors + u.timeouts + u.non2xx > 0) {
      const statuses = Object.entries(u.statusCodeStats).filter(([code]) => !code.startsWith('2')).map(([code, { count }]) => `${count} × ${code}`);
      console.log(`# load: ${u.errors} connection errors, ${u.timeouts} timeouts, statuses ${statuses.join(', ') || 'none other than 2xx'}`);
    }
    const tooMany = l.statusCodeStats['429']?.count ?? 0;
    const answered = l.requests.total;
    return [
      figure('load.reports-per-s', u['2xx'] / u.duration, '1/s'),
      figure('load.latency.p50', u.latency.p50, 'ms'),
      figure('load.latency.p99', u.latency.p99, 'ms', atMost(P99_TARGET_MS)),
      figure(`load.latency.p99-sent-after-${WARM_AFTER_SECONDS}s`, percentile(unlimited.result.sentLater, 0.99), 'ms'),
      figure('load.server-time.p50', percentile(unlimited.serverMs, 0.5), 'ms'),
      figure('load.server-time.p99', percentile(unlimited.serverMs, 0.99), 'ms'),
      figure('load.report-time.p50', percentile(unlimited.reportMs, 0.5), 'ms'),
      figure('load.report-time.p99', percentile(unlimited.reportMs, 0.99), 'ms'),
      figure('load.server-cpu-per-report', unlimited.cpuMs / u['2xx'], 'ms'),
      figure('load.errors', u.errors + u.timeouts + u.non2xx, 'count', exactly(0)),
      figure('load.reports-not-passing', unlimited.notPassing, 'count', exactly(0)),
      figure('load.peak-rss', unlimited.peakRssKb / 1024, 'MB', atMost(PEAK_RSS_TARGET_MB)),
      figure('ratelimit.requests', answered, 'count'),
      figure('ratelimit.share-429', tooMany / answered, 'ratio'),
      figure('ratelimit.429-without-retry-after', limited.withoutRetryAfter, 'count', exactly(0)),
      figure('ratelimit.other-failures', l.errors + l.timeouts + (l.non2xx - tooMany), 'count', exactly(0)),
      ...load.figures(),
    ];
  });
}

/** The run's result, and the latencies (ms) of the responses to requests sent after WARM_AFTER_SECONDS. */
async function hammer(url: string, seconds: number, onResponse: (status: number, body: string, headers: Record<string, string | string[]>) => void) {
  const started = performance.now();
  const sentLater: number[] = [];
  const run = autocannon({
    url,
    connections: LOAD_CLIENTS,
    duration: seconds,
    // Longer than the proxy's own 20 s report deadline: the proxy decides when a report is late.
    timeout: 30,
    requests: [{ onResponse: (status, body, _context, headers) => onResponse(status, body, headers) }],
  });
  run.on('response', (_client, _status, _bytes, ms) => {
    if (performance.now() - ms - started >= WARM_AFTER_SECONDS * 1000) sentLater.push(ms);
  });
  return Object.assign(await run, { sentLater });
}

/**
 * How long the proxy itself took over each passing report, from its access log
 * (src/server/access-log.ts: `… "GET /api/v1/report?…" 200 123ms`). Against the client's
 * latency it tells time in the report from time spent waiting to be accepted and read.
 */
function reportTimesMs(accessLog: string): number[] {
  return [...accessLog.matchAll(/"GET \/api\/v1\/report\?[^"]*" 200 (\d+)ms/g)].map((match) => Number(match[1]));
}

/** The process's memory as Linux counts it (/proc/PID/status), in KB: VmRSS, VmHWM (the
 * peak resident set since it started), RssAnon (heap and buffers rather than code), … */
export function processMemoryKb(pid: number): Record<string, number> {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const memory = Object.fromEntries([...status.matchAll(/^(\w+):\s+(\d+) kB$/gm)].map(([, key, kb]) => [key, Number(kb)]));
  if (memory.VmHWM === undefined) throw new Error(`no VmHWM for pid ${pid}`);
  return memory;
}
