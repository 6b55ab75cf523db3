// End to end with Debian's real Prometheus on loopback: the shipped scrape config (targets
// and fedcheck's address substituted, intervals shortened) probes rig servers through the
// proxy's /probe, the shipped rules load and evaluate, and what Prometheus stored reads back
// through its HTTP API as the rig made it. Every dashboard query evaluates on that data.
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../build/docs-servers.ts';
import { startRigProxy, type RunningProxy } from '../unit/server/support/proxy.ts';

const rig = inject('rig');
const root = fileURLToPath(new URL('../..', import.meta.url));
const shipped = path.join(root, 'public/monitoring');
const scenario = (id: string) => rig.scenarios.find((s) => s.id === id)!;
const good = scenario('good');
const expired = scenario('cert-expired');

interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  scrape_timeout?: string;
  static_configs: { targets: string[] }[];
  relabel_configs?: { target_label: string; replacement?: string }[];
}
interface PrometheusConfig {
  global: Record<string, string>;
  rule_files: string[];
  alerting?: unknown;
  scrape_configs: ScrapeConfig[];
}
interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

let proxy: RunningProxy;
let dir: string;
let prometheus: ChildProcess;
let api: string;
let stderr = '';

/** The shipped config with the rig's names as targets, the proxy as fedcheck, short intervals. */
function configFor(fedcheck: string): string {
  const config = yaml.load(readFileSync(path.join(shipped, 'prometheus.yml'), 'utf8')) as PrometheusConfig;
  config.global = { scrape_interval: '1s', evaluation_interval: '1s' };
  config.rule_files = config.rule_files.map((file) => path.join(shipped, file));
  delete config.alerting; // no Alertmanager here; the rules still evaluate
  const probe = config.scrape_configs.find((job) => job.job_name === 'fedcheck-probe')!;
  Object.assign(probe, { scrape_interval: '2s', scrape_timeout: '2s' });
  probe.static_configs = [{ targets: [good.serverName, expired.serverName] }];
  probe.relabel_configs!.find((rule) => rule.target_label === '__address__')!.replacement = fedcheck;
  const own = config.scrape_configs.find((job) => job.job_name === 'fedcheck')!;
  own.scrape_interval = '1s';
  own.static_configs = [{ targets: [fedcheck] }];
  return yaml.dump(config);
}

async function query(expr: string): Promise<{ status: string; data?: { result: Sample[] }; error?: string }> {
  const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return response.json() as Promise<{ status: string; data?: { result: Sample[] }; error?: string }>;
}

/** Asks until the answer has results (Prometheus scrapes on its own schedule), or gives up. */
async function eventually(expr: string, want: (result: Sample[]) => boolean = (result) => result.length > 0): Promise<Sample[]> {
  let last: unknown;
  for (let attempt = 0; attempt < 120; attempt++) {
    const answer = await query(expr).catch((error: Error) => ({ status: 'error', error: error.message }));
    last = answer;
    if (answer.status === 'success' && 'data' in answer && answer.data && want(answer.data.result)) return answer.data.result;
    if (prometheus.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`no answer for ${expr}: ${JSON.stringify(last)}\nprometheus: ${stderr.slice(-2000)}`);
}

beforeAll(async () => {
  proxy = await startRigProxy(rig);
  dir = mkdtempSync(path.join(tmpdir(), 'fedcheck-prometheus-'));
  writeFileSync(path.join(dir, 'prometheus.yml'), configFor(new URL(proxy.url).host));
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    '/usr/bin/prometheus',
    [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  prometheus.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
});

afterAll(async () => {
  if (prometheus?.pid !== undefined && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus.once('exit', resolve));
    process.kill(prometheus.pid, 'SIGTERM');
    await exited;
  }
  await proxy?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Debian Prometheus scraping /probe through the shipped config', () => {
  it('probe_success is 1 for a good server and 0 for one with an expired certificate', async () => {
    const result = await eventually('probe_success{job="fedcheck-probe"}', (r) => r.length === 2);
    const byInstance = Object.fromEntries(result.map((sample) => [sample.metric.instance, sample.value[1]]));
    expect(byInstance).toEqual({ [good.serverName]: '1', [expired.serverName]: '0' });
  });

  it('the certificate expiry Prometheus stored is the rig certificate’s notAfter', async () => {
    const host = good.hosts.find((h) => h.ports.includes(8448))!;
    const notAfter = Date.parse(new X509Certificate(readFileSync(host.cert!.chainFile!)).validTo) / 1000;
    const [sample] = await eventually(`fedcheck_tls_certificate_expiry_timestamp_seconds{instance="${good.serverName}", port="8448"}`);
    expect(Number(sample.value[1])).toBe(notAfter);
    const [stale] = await eventually(`fedcheck_tls_certificate_expiry_timestamp_seconds{instance="${expired.serverName}"}`);
    expect(Number(stale.value[1]) * 1000).toBeLessThan(Date.now());
  });

  it('the shipped rules load and evaluate without errors; the failing server’s alert is pending', async () => {
    await eventually('ALERTS{alertname="MatrixFederationFailing"}');
    const rules = (await (await fetch(`${api}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; rules: { name: string; health: string; lastError?: string; state?: string; alerts?: { labels: Record<string, string> }[] }[] }[] };
    };
    const all = rules.data.groups.flatMap((group) => group.rules);
    expect(all.length).toBeGreaterThanOrEqual(9);
    expect(all.filter((rule) => rule.health !== 'ok').map((rule) => `${rule.name}: ${rule.lastError}`)).toEqual([]);
    const failing = all.find((rule) => rule.name === 'MatrixFederationFailing')!;
    expect(failing.state).toBe('pending');
    expect(failing.alerts!.map((alert) => alert.labels.instance)).toEqual([expired.serverName]);
  });

  it('every Grafana dashboard query evaluates to data', async () => {
    // rate() needs two scrapes of /metrics in its window, and a finished run to count.
    await eventually('count_over_time(fedcheck_reports_total{job="fedcheck"}[1m]) >= 3');
    const dashboard = JSON.parse(readFileSync(path.join(shipped, 'grafana-dashboard.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const result = await eventually(target.expr.replaceAll('$instance', '.*'));
        expect(result.length, `${panel.title}: ${target.expr}`).toBeGreaterThan(0);
      }
    }
  });
});
