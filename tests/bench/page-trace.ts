// Where a page's check spends its time, from Chromium itself through the DevTools protocol:
// the performance trace (devtools.timeline) for the main thread, and the network events'
// timings for each request. Traced runs are extra runs: tracing costs time of its own, so
// the timed runs that the ratios come from stay untraced, measured as before.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';

/** Where to keep each traced run's events, to open in DevTools' Performance panel. */
const TRACE_DIR = process.env.FEDCHECK_BENCH_TRACE_DIR;

/** Milliseconds of each kind, over the traced window. */
export interface Breakdown {
  /** Main-thread tasks, all kinds (busy time: the page could not answer input meanwhile). */
  mainThread: number;
  /** The same tasks' CPU time (thread time), which the machine's load moves least: a task
   * that waits for a core takes longer, not more CPU. */
  mainThreadCpu: number;
  /** JavaScript: compiling, evaluating, callbacks, timers, microtasks, event handlers. */
  script: number;
  /** Style recalculation and layout (a layout forced from script counts here and in script). */
  styleLayout: number;
  /** Pre-paint and paint. */
  paint: number;
  /** Summed over requests: from the page's asking to the first network activity (waiting
   * for a connection or a socket slot, CORS preflight scheduling). */
  networkQueueing: number;
  /** Summed over new connections: TCP and TLS handshakes. */
  connectionSetup: number;
  /** Connections the responses came over (Chromium's connection ids), reused ones once. */
  connections: number;
  requests: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of a complete event, µs. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

interface ResourceTiming {
  requestTime: number;
  proxyStart: number;
  dnsStart: number;
  connectStart: number;
  connectEnd: number;
  sendStart: number;
}

const SCRIPT = new Set([
  'EvaluateScript',
  'v8.compile',
  'v8.compileModule',
  'v8.evaluateModule',
  'v8.produceModuleCache',
  'FunctionCall',
  'TimerFire',
  'FireIdleCallback',
  'FireAnimationFrame',
  'RunMicrotasks',
  'EventDispatch',
  'v8.callFunction',
  'v8.run',
]);
const STYLE_LAYOUT = new Set(['UpdateLayoutTree', 'RecalculateStyles', 'Layout']);
const PAINT = new Set(['PrePaint', 'Paint', 'UpdateLayerTree', 'Layerize']);
const TASK = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

/** A kept trace also samples JavaScript stacks (DevTools shows them); the figures need none. */
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8.execute', 'v8', ...(TRACE_DIR ? ['disabled-by-default-v8.cpu_profiler'] : [])].join(',');

export interface PageTrace {
  stop(): Promise<Breakdown>;
}

/** Starts tracing the page and recording its requests; `stop` ends both and sums them up. */
export async function tracePage(page: Page, label: string): Promise<PageTrace> {
  const session = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  const issued = new Map<string, number>();
  const timings: ResourceTiming[] = [];
  const connectionIds = new Set<number>();
  const queueing: number[] = [];
  session.on('Tracing.dataCollected', ({ value }) => events.push(...(value as unknown as TraceEvent[])));
  session.on('Network.requestWillBeSent', ({ requestId, timestamp }) => issued.set(requestId, timestamp));
  session.on('Network.responseReceived', ({ requestId, response }) => {
    const timing = response.timing as ResourceTiming | undefined;
    const askedAt = issued.get(requestId);
    if (response.connectionId) connectionIds.add(response.connectionId);
    if (!timing) return;
    timings.push(timing);
    const firstActivity = [timing.proxyStart, timing.dnsStart, timing.connectStart, timing.sendStart].find((ms) => ms >= 0) ?? 0;
    if (askedAt !== undefined) queueing.push(Math.max(0, (timing.requestTime - askedAt) * 1000 + firstActivity));
  });
  await session.send('Network.enable');
  await session.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  return {
    async stop() {
      const complete = new Promise((resolve) => session.once('Tracing.tracingComplete', resolve));
      await session.send('Tracing.end');
      await complete;
      await detach(session);
      if (TRACE_DIR) writeFileSync(join(TRACE_DIR, `${label}.json`), JSON.stringify({ traceEvents: events }));
      const main = mainThreadEvents(events);
      const busy = (names: Set<string>) => unionMs(main.filter((event) => names.has(event.name)));
      const newConnections = timings.filter((timing) => timing.connectStart >= 0);
      return {
        mainThread: busy(TASK),
        mainThreadCpu: outermost(main.filter((event) => TASK.has(event.name))).reduce((sum, event) => sum + (event.tdur ?? 0), 0) / 1000,
        script: busy(SCRIPT),
        styleLayout: busy(STYLE_LAYOUT),
        paint: busy(PAINT),
        networkQueueing: queueing.reduce((sum, ms) => sum + ms, 0),
        connectionSetup: newConnections.reduce((sum, timing) => sum + (timing.connectEnd - timing.connectStart), 0),
        connections: connectionIds.size,
        requests: timings.length,
      };
    },
  };
}

async function detach(session: CDPSession): Promise<void> {
  await session.send('Network.disable').catch(() => {});
  await session.detach().catch(() => {});
}

/** The complete events of the renderer's main thread(s). */
function mainThreadEvents(events: TraceEvent[]): TraceEvent[] {
  const mainThreads = new Set(
    events.filter((event) => event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain').map((event) => `${event.pid}:${event.tid}`),
  );
  return events.filter((event) => event.ph === 'X' && event.dur !== undefined && mainThreads.has(`${event.pid}:${event.tid}`));
}

/** The events not nested in another (a task may run inside another task's event). */
function outermost(events: TraceEvent[]): TraceEvent[] {
  const kept: TraceEvent[] = [];
  for (const event of [...events].sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)) {
    const last = kept.at(-1);
    if (!last || event.ts >= last.ts + last.dur!) kept.push(event);
  }
  return kept;
}

/** Time covered by the events, nested or overlapping ones counted once, in ms. */
function unionMs(events: TraceEvent[]): number {
  const spans = events.map((event) => [event.ts, event.ts + event.dur!] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [start, end] = [-Infinity, -Infinity];
  for (const [from, to] of spans) {
    if (from > end) {
      if (end > start) total += end - start;
      [start, end] = [from, to];
    } else end = Math.max(end, to);
  }
  if (end > start) total += end - start;
  return total / 1000;
}

export const BREAKDOWN_PARTS: { key: keyof Breakdown; label: string; unit: 'ms' | 'count' }[] = [
  { key: 'mainThread', label: 'main-thread', unit: 'ms' },
  { key: 'mainThreadCpu', label: 'main-thread-cpu', unit: 'ms' },
  { key: 'script', label: 'script', unit: 'ms' },
  { key: 'styleLayout', label: 'style-layout', unit: 'ms' },
  { key: 'paint', label: 'paint', unit: 'ms' },
  { key: 'networkQueueing', label: 'network-queueing', unit: 'ms' },
  { key: 'connectionSetup', label: 'connection-setup', unit: 'ms' },
  { key: 'connections', label: 'connections', unit: 'count' },
  { key: 'requests', label: 'requests', unit: 'count' },
];

/** One line for a run: "512 ms: main-thread 80 ms, script 34 ms, …". */
export function describeBreakdown(wallMs: number, breakdown: Breakdown): string {
  return `${Math.round(wallMs)} ms: ${BREAKDOWN_PARTS.map(({ key, label, unit }) => `${label} ${Math.round(breakdown[key])}${unit === 'ms' ? ' ms' : ''}`).join(', ')}`;
}
