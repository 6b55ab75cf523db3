// The monitoring files shipped with the docs (public/monitoring/): Prometheus accepts the
// config and rules, every alert has a promtool unit test that sees it fire, Alertmanager
// accepts its examples, and every query of the rules and the Grafana dashboard parses and
// names only metrics that fedcheck exposes.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { renderProbeExposition } from '../../../src/monitoring/probe-exposition.ts';
import { createAdmissionQueue } from '../../../src/server/limits.ts';
import { createServiceMetrics } from '../../../src/server/metrics.ts';
import { checkScenario } from '../checker/helpers.ts';
import { AMTOOL, promtool, tool } from './promtool.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const shipped = path.join(root, 'public/monitoring');
const rulesFile = path.join(shipped, 'fedcheck-alerts.yml');
const rulesTestFile = path.join(root, 'tests/monitoring/alerts.test.yml');

interface RuleGroups {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}
interface RulesTest {
  tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}
interface Dashboard {
  title: string;
  uid: string;
  schemaVersion: number;
  panels: { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; targets?: { expr?: string; refId?: string }[] }[];
  templating: { list: { name: string }[] };
}

const rules = yaml.load(readFileSync(rulesFile, 'utf8')) as RuleGroups;
const dashboard = JSON.parse(readFileSync(path.join(shipped, 'grafana-dashboard.json'), 'utf8')) as Dashboard;

/** Every metric name fedcheck exposes on /probe (a healthy report) and /metrics. */
async function exposedNames(): Promise<Set<string>> {
  const { report } = await checkScenario('example.org', { zone: { 'example.org': { A: ['93.184.215.10'] } } });
  const service = createServiceMetrics({ queue: createAdmissionQueue({ maxActive: 1, maxWaiting: 1, maxWaitMs: 1000 }) });
  const text = `${await renderProbeExposition(report)}\n${await service.registry.metrics()}`;
  const names = new Set<string>(['up']);
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

/** Aggregation operators, which may come before their parenthesis (`count by (x) (…)`). */
const AGGREGATIONS = ['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile'];

/** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or strings. */
function metricNames(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\{[^}]*\}/g, '{}').replace(/\[[^\]]*\]/g, '[]');
  const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', ...AGGREGATIONS]);
  return [...withoutStrings.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)]
    .map((match) => match[1])
    .filter((word) => !keywords.has(word) && !/^\d/.test(word))
    .filter((word, index, all) => all.indexOf(word) === index)
    .filter((word) => !isGroupingLabel(withoutStrings, word));
}

/** A word inside `by (…)` / `on (…)` and the like is a label, not a metric. */
function isGroupingLabel(expr: string, word: string): boolean {
  return [...expr.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)].some((match) => match[1].split(/\s*,\s*/).includes(word));
}

/** Dashboard variables replaced the way Grafana would for "All". */
const withVariables = (expr: string) => expr.replaceAll('$instance', '.*');

/** `promtool check rules` on recording rules made from the expressions: each must parse. */
function checkExpressionsParse(exprs: string[]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedcheck-promql-'));
  try {
    const file = path.join(dir, 'exprs.yml');
    writeFileSync(file, yaml.dump({ groups: [{ name: 'exprs', rules: exprs.map((expr, i) => ({ record: `fedcheck_test:expr_${i}`, expr })) }] }));
    return promtool(['check', 'rules', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('shipped Prometheus files', () => {
  it('promtool check config accepts prometheus.yml (with its rule file)', () => {
    const run = promtool(['check', 'config', path.join(shipped, 'prometheus.yml')]);
    expect(run.output).toContain('SUCCESS');
    expect(run.status, run.output).toBe(0);
  });

  it('promtool check rules accepts fedcheck-alerts.yml', () => {
    const run = promtool(['check', 'rules', rulesFile]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('promtool test rules passes, and every alert has a test in which it fires', () => {
    const run = promtool(['test', 'rules', rulesTestFile]);
    expect(run.status, run.output).toBe(0);
    const test = yaml.load(readFileSync(rulesTestFile, 'utf8')) as RulesTest;
    const firing = new Set(test.tests.flatMap((t) => (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
    const alerts = rules.groups.flatMap((group) => group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : [])));
    expect(alerts.length).toBeGreaterThanOrEqual(9);
    expect(alerts.filter((alert) => !firing.has(alert))).toEqual([]);
  });

  it('amtool check-config accepts every Alertmanager example', () => {
    const examples = readdirSync(shipped).filter((name) => name.startsWith('alertmanager-'));
    expect(examples.sort()).toEqual(['alertmanager-email.yml', 'alertmanager-webhook.yml']);
    for (const example of examples) {
      const run = tool(AMTOOL, ['check-config', path.join(shipped, example)]);
      expect(run.output, example).toContain('SUCCESS');
      expect(run.status, run.output).toBe(0);
    }
  });
});

describe('queries in the rules and the dashboard', () => {
  const ruleExprs = rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));
  const panelExprs = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr ?? ''));

  it('the dashboard is importable: title, uid, unique panel ids, panels on the 24-column grid', () => {
    expect(dashboard).toMatchObject({ title: expect.any(String), uid: expect.stringMatching(/^[\w-]{1,40}$/), schemaVersion: expect.any(Number) });
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(['stat', 'timeseries', 'table'], panel.title).toContain(panel.type);
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      expect(panel.gridPos.w > 0 && panel.gridPos.h > 0, panel.title).toBe(true);
      const refIds = (panel.targets ?? []).map((target) => target.refId);
      expect(new Set(refIds).size, panel.title).toBe(refIds.length);
    }
  });

  it('every dashboard panel has a query, and only known variables', () => {
    expect(dashboard.panels.length).toBeGreaterThan(5);
    for (const panel of dashboard.panels) expect(panel.targets?.length ?? 0, panel.title).toBeGreaterThan(0);
    expect(panelExprs.every((expr) => expr.trim() !== '')).toBe(true);
    const variables = new Set(dashboard.templating.list.map((variable) => variable.name));
    for (const expr of panelExprs) for (const [, name] of expr.matchAll(/\$(\w+)/g)) expect(variables).toContain(name);
  });

  it('every expression parses (promtool check rules on them as recording rules)', () => {
    const run = checkExpressionsParse([...ruleExprs, ...panelExprs.map(withVariables)]);
    expect(run.status, run.output).toBe(0);
  });

  it('metric names are read from PromQL: not functions, aggregations, grouping labels, matchers or durations', () => {
    expect(metricNames('count by (job, instance) (rate(a_total{x="y"}[5m]) offset 1h) unless on (job) b_info and time() - c > 14 * 86400')).toEqual([
      'a_total',
      'b_info',
      'c',
    ]);
  });

  it('every metric they name is one fedcheck exposes (or Prometheus’s up)', async () => {
    const names = await exposedNames();
    const used = [...ruleExprs, ...panelExprs].flatMap(metricNames);
    expect(used).toContain('fedcheck_tls_certificate_expiry_timestamp_seconds');
    expect(used.filter((name) => !names.has(name))).toEqual([]);
  });
});
