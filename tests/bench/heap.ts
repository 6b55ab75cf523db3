// What a report in flight holds: the load figure's scenario (200 clients, rate limit off, the
// proxy's defaults for concurrency),
// with a V8 heap snapshot of the proxy taken halfway (Node's --heapsnapshot-signal), summed
// up by constructor, and the proxy's memory as Linux counts it at that moment (heap vs.
// the rest: TLS, buffers, code). Run it alone (`npm run bench -- heap`): the snapshot stops
// the proxy for a while, so its latency says nothing and it has no latency figures.
import { readdirSync, readFileSync, rmSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { proxyReportUrl } from '../../src/adapters/browser/proxy.ts';
import { startRig } from '../rig/rig.ts';
import { figure, type Figure } from './figure.ts';
import { LOAD_CLIENTS, LOAD_SCENARIO, processMemoryKb } from './load.ts';
import { scoped } from './resources.ts';
import { scenarioRow, startRigProxy } from './rig-proxy.ts';

const SECONDS = 20;
const SNAPSHOT_AFTER_MS = 10_000;
const TOP = 15;

export function heapFigures(siteDir: string): Promise<Figure[]> {
  const snapshotDir = mkdtempSync(join(tmpdir(), 'fedcheck-heap-'));
  return scoped(async (use) => {
    const { state: rig } = use(await startRig());
    const row = scenarioRow(rig, LOAD_SCENARIO);
    const proxy = use(
      await startRigProxy(rig, siteDir, {
        FEDCHECK_RATE_LIMIT: 'off',
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshotDir}`.trim(),
      }),
    );
    const pid = proxy.process.pid!;
    const load = autocannon({ url: proxyReportUrl(proxy.url, row.serverName), connections: LOAD_CLIENTS, duration: SECONDS, timeout: 60 });
    await sleep(SNAPSHOT_AFTER_MS);
    const atSnapshot = processMemoryKb(pid);
    proxy.process.kill('SIGUSR2');
    await load;
    const file = await finishedSnapshot(snapshotDir);
    const summary = summarizeSnapshot(readFileSync(file, 'utf8'));
    for (const line of summary.top) console.log(`# heap: ${line}`);
    return [
      figure('heap.rss-at-snapshot', atSnapshot.VmRSS / 1024, 'MB'),
      figure('heap.rss-anonymous-at-snapshot', atSnapshot.RssAnon / 1024, 'MB'),
      figure('heap.v8-heap-live', summary.totalBytes / 1024 / 1024, 'MB'),
      figure('heap.tls-sockets-live', summary.count('TLSSocket'), 'count'),
      figure('heap.peak-rss', processMemoryKb(pid).VmHWM / 1024, 'MB'),
    ];
  }).finally(() => rmSync(snapshotDir, { recursive: true, force: true }));
}

/** Node writes the snapshot while the process runs on: wait until its size stops changing. */
async function finishedSnapshot(dir: string): Promise<string> {
  let last = -1;
  for (let tries = 0; tries < 120; tries++) {
    const file = readdirSync(dir).find((name) => name.endsWith('.heapsnapshot'));
    const size = file ? statSync(join(dir, file)).size : -1;
    if (file && size > 0 && size === last) return join(dir, file);
    last = size;
    await sleep(1000);
  }
  throw new Error(`no finished heap snapshot in ${dir}`);
}

interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self sizes by constructor (objects) or by node type (strings, code, arrays, …). */
function summarizeSnapshot(text: string) {
  const snapshot = JSON.parse(text) as SnapshotJson;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
  const groups = new Map<string, { bytes: number; count: number }>();
  let totalBytes = 0;
  for (let index = 0; index < snapshot.nodes.length; index += fields.length) {
    const type = types[snapshot.nodes[index + typeAt]];
    const bytes = snapshot.nodes[index + sizeAt];
    const key = type === 'object' || type === 'closure' || type === 'native' ? `${snapshot.strings[snapshot.nodes[index + nameAt]]} (${type})` : `(${type})`;
    const group = groups.get(key) ?? { bytes: 0, count: 0 };
    group.bytes += bytes;
    group.count++;
    groups.set(key, group);
    totalBytes += bytes;
  }
  const sorted = [...groups].sort((a, b) => b[1].bytes - a[1].bytes);
  return {
    totalBytes,
    top: sorted.slice(0, TOP).map(([key, { bytes, count }]) => `${(bytes / 1024 / 1024).toFixed(1)} MB in ${count} × ${key}`),
    count: (constructor: string) => groups.get(`${constructor} (object)`)?.count ?? 0,
  };
}
