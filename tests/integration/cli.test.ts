// The `fedcheck` command as a subprocess against the rig: every output mode and exit code.
import { describe, it, expect } from 'vitest';
import { inject } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectValidReport } from '../unit/checker/helpers.ts';
import { checkMetrics } from '../unit/monitoring/promtool.ts';

const rig = inject('rig');
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function fedcheck(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['src/cli/fedcheck.ts', ...args], {
      cwd: root,
      env: { ...process.env, ...rig.env, FEDCHECK_ALLOW_PRIVATE: '1', NO_COLOR: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const serverName = (id: string) => {
  const scenario = rig.scenarios.find((s) => s.id === id);
  if (!scenario) throw new Error(`no rig scenario ${id}`);
  return scenario.serverName;
};

// One scenario per verdict: a healthy server, a deprecated SRV record, an expired certificate.
const CASES = [
  { id: 'good', verdict: 'pass', code: 0, nagios: 'OK' },
  { id: 'srv-legacy', verdict: 'warn', code: 1, nagios: 'WARNING' },
  { id: 'cert-expired', verdict: 'fail', code: 2, nagios: 'CRITICAL' },
] as const;

// Monitoring-plugin output: "SERVICE STATE - text | label=value[UOM];warn;crit;min;max ..."
const NAGIOS_LINE = /^FEDERATION (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+(?: \| ((?:'?[^=' ]+'?=[\d.]+(?:s|%|B|KB|MB|c)?(?:;[\d.]*){0,4} ?)+))?\n$/;

describe.each(CASES)('fedcheck $id ($verdict)', ({ id, verdict, code, nagios }) => {
  it('prints the readable report, verdict first, and exits with the verdict code', async () => {
    const run = await fedcheck([serverName(id)]);
    expect(run.code, run.stderr).toBe(code);
    expect(run.stdout.split('\n')[0]).toMatch(new RegExp(`^${verdict.toUpperCase()}  ${serverName(id).replace(/\./g, '\\.')}: `));
    expect(run.stdout).toContain('Resolution: ');
    expect(run.stdout).toMatch(/Host: \S+ +SNI: /);
    expect(run.stdout).toContain('Findings: ');
    expect(run.stdout).not.toMatch(/\u001b\[/);
    if (verdict !== 'pass') expect(run.stdout).toMatch(/Docs: https?:\/\/\S+\/docs\/checks\/#[\w.-]+/);
  });

  it('--json prints a schema-valid report', async () => {
    const run = await fedcheck([serverName(id), '--json']);
    expect(run.code).toBe(code);
    const report = JSON.parse(run.stdout);
    expectValidReport(report);
    expect(report).toMatchObject({ schema: 'fedcheck.report/1', source: 'cli', verdict, serverName: serverName(id) });
  });

  it('--markdown prints Markdown', async () => {
    const run = await fedcheck([serverName(id), '--markdown']);
    expect(run.code).toBe(code);
    expect(run.stdout).toMatch(/^## Federation check for /m);
    // Server names are Markdown-escaped; unescaped, the name is there.
    expect(run.stdout.replace(/\\(.)/g, '$1')).toContain(serverName(id));
  });

  it('--tap prints one test point per check', async () => {
    const run = await fedcheck([serverName(id), '--tap']);
    expect(run.code).toBe(code);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('TAP version 14');
    const plan = Number(/^1\.\.(\d+)$/.exec(lines[1])?.[1]);
    const points = lines.filter((line) => /^(not )?ok \d+ /.test(line));
    expect(points.length).toBe(plan);
    expect(points.map((line) => Number(/^(?:not )?ok (\d+)/.exec(line)![1]))).toEqual(points.map((_, i) => i + 1));
    const failing = points.filter((line) => line.startsWith('not ok') && !line.includes('# TODO'));
    expect(failing.length > 0).toBe(verdict === 'fail');
  });

  it('--nagios prints one monitoring-plugin status line with perfdata', async () => {
    const run = await fedcheck([serverName(id), '--nagios']);
    expect(run.code).toBe(code);
    const match = NAGIOS_LINE.exec(run.stdout);
    expect(match, run.stdout).not.toBeNull();
    expect(match![1]).toBe(nagios);
    expect(match![2]).toMatch(/\btime=[\d.]+s;;;/);
    expect(match![2]).toMatch(/\baddresses=\d+;;;/);
  });

  it('--prometheus prints the probe exposition that promtool accepts, every series labelled with the target, with the verdict code', async () => {
    const run = await fedcheck([serverName(id), '--prometheus']);
    expect(run.code, run.stderr).toBe(code);
    expect(checkMetrics(run.stdout)).toEqual({ status: 0, output: '' });
    const target = `target="${serverName(id)}"`;
    expect(run.stdout).toMatch(new RegExp(`^probe_success\\{${target}\\} ${verdict === 'fail' ? 0 : 1}$`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^fedcheck_verdict\\{verdict="${verdict}",${target}\\} 1$`, 'm'));
    const samples = run.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(samples.filter((line) => !line.includes(target))).toEqual([]);
  });
});

// Rows that state area statuses (calls, support, …): the JSON report carries them, and the
// exit code stays the federation verdict's (the client-side areas cap it at warn).
describe('rows with expected area statuses through --json', () => {
  const EXIT = { pass: 0, warn: 1, fail: 2 } as const;
  for (const row of rig.scenarios.filter((s) => s.enabled && s.expect.areas)) {
    it.concurrent(`${row.id}: ${JSON.stringify(row.expect.areas)}`, async () => {
      const run = await fedcheck([row.serverName, '--json']);
      const report = JSON.parse(run.stdout);
      const context = JSON.stringify(report.checks.filter((c: { status: string }) => c.status !== 'pass').map((c: { id: string; status: string; detail: string }) => `${c.status} ${c.id}: ${c.detail}`), null, 1);
      expect(report.areas, context).toMatchObject(row.expect.areas!);
      expect(report.verdict, context).toBe(row.expect.verdict);
      expect(run.code).toBe(EXIT[row.expect.verdict]);
    });
  }
});

describe('fedcheck could not check', () => {
  it.each([
    [['matrix.org:99999'], /"matrix\.org:99999": port must be 1-65535/],
    [['https://matrix.org'], /no scheme/],
    [[], /give one server name/],
    [['a.example', 'b.example'], /give one server name, not 2/],
    [['example.org', '--json', '--tap'], /choose one output format/],
    [['example.org', '--timeout', 'soon'], /--timeout "soon"/],
    [['example.org', '--frobnicate'], /frobnicate/],
  ])('%j exits 3 with a one-line specific error', async (args, message) => {
    const run = await fedcheck(args);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--nagios reports UNKNOWN on stdout for an invalid name', async () => {
    const run = await fedcheck(['bad name', '--nagios']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^FEDERATION UNKNOWN - /);
    expect(run.stdout).toMatch(NAGIOS_LINE);
  });

  it('rejects a bad environment value with exit 3', async () => {
    const run = await fedcheck(['example.org'], { FEDCHECK_DNS_SERVERS: 'not-an-ip' });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('FEDCHECK_DNS_SERVERS');
  });

  it('--help shows usage and examples', async () => {
    const run = await fedcheck(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: fedcheck NAME');
    expect(run.stdout).toContain('Exit codes: 0 pass, 1 warn, 2 fail, 3 could not check');
  });
});

describe('the version endpoint is informational (issue 18)', () => {
  it.each(['version-404', 'version-timeout'])('%s: TLS and keys work, so the verdict is warn (exit 1), the connection works', async (id) => {
    const run = await fedcheck([serverName(id), '--json']);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.verdict).toBe('warn');
    expect(report.areas).toMatchObject({ connection: 'pass', tls: 'pass', federation: 'warn', keys: 'pass' });
    const version = report.checks.filter((check: { id: string }) => check.id === 'federation.version');
    expect(version).toMatchObject([{ status: 'warn', detail: expect.stringContaining('Peers do not need it to federate') }]);
    expect(report.checks.filter((check: { status: string }) => check.status === 'fail')).toEqual([]);
  });
});

describe('certificates as the server sent them (Part C 15)', () => {
  it('cert-leaf-only fails (exit 2) although NODE_EXTRA_CA_CERTS holds the intermediate, so Node completes the chain', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'fedcheck-ca-')), 'root-and-intermediate.pem');
    writeFileSync(store, readFileSync(rig.ca.root, 'utf8') + readFileSync(rig.ca.intermediate, 'utf8'));
    const run = await fedcheck([serverName('cert-leaf-only'), '--json'], { NODE_EXTRA_CA_CERTS: store });
    expect(run.code, run.stderr).toBe(2);
    const trusted = JSON.parse(run.stdout).checks.find((check: { id: string }) => check.id === 'tls.certificate.trusted');
    expect(trusted).toMatchObject({ status: 'fail', detail: expect.stringContaining('does not send the intermediate certificate fedcheck test intermediate') });
    expect(trusted.data.sent).toBe('cert-leaf-only.fed.test');
  });
});

describe('DNSSEC through a validating resolver', () => {
  it.each([
    ['dnssec-signed', 'All answers were DNSSEC-validated.'],
    ['dnssec-unsigned', 'No answer was DNSSEC-validated (the zone is unsigned or the resolver does not validate).'],
  ])('%s: dns.dnssec says "%s"', async (id, detail) => {
    const run = await fedcheck([serverName(id), '--json'], { FEDCHECK_DNS_SERVERS: rig.dns.validating });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).checks.filter((check: { id: string }) => check.id === 'dns.dnssec')).toMatchObject([{ status: 'info', detail }]);
  });

  it('dnssec-bogus: the validating resolver answers SERVFAIL, so the addresses are not found (exit 2)', async () => {
    const run = await fedcheck([serverName('dnssec-bogus'), '--json'], { FEDCHECK_DNS_SERVERS: rig.dns.validating });
    expect(run.code, run.stderr).toBe(2);
    expect(JSON.parse(run.stdout).checks.find((check: { id: string }) => check.id === 'dns.targets.resolve')).toMatchObject({ status: 'fail', detail: expect.stringContaining('SERVFAIL') });
  });
});

describe('fedcheck --strict', () => {
  it('auth-missing-field: the sign-in failure caps the verdict at warn (exit 1), and fails it with --strict (exit 2)', async () => {
    const name = rig.scenarios.find((s) => s.id === 'auth-missing-field')!.serverName;
    const lenient = await fedcheck([name, '--json']);
    expect(JSON.parse(lenient.stdout)).toMatchObject({ verdict: 'warn', areas: { auth: 'fail' } });
    expect(lenient.code).toBe(1);
    const strict = await fedcheck([name, '--json', '--strict']);
    const report = JSON.parse(strict.stdout);
    expectValidReport(report);
    expect(report).toMatchObject({ verdict: 'fail', strictClient: true, areas: { auth: 'fail' } });
    expect(strict.code).toBe(2);
  });
});

// Sign-in rows: the area the row expects, through `--json`, with the advisory exit code.
describe('fedcheck --json on the sign-in rows', () => {
  const rows = rig.scenarios.filter((s) => s.enabled && s.expect.areas?.auth !== undefined);
  it.concurrent.each(rows.map((row) => [row.id, row] as const))('%s', async (_id, row) => {
    const run = await fedcheck([row.serverName, '--json']);
    const report = JSON.parse(run.stdout);
    expectValidReport(report);
    expect({ verdict: report.verdict, areas: report.areas }).toMatchObject({ verdict: row.expect.verdict, areas: row.expect.areas });
    expect(run.code).toBe({ pass: 0, warn: 1, fail: 2 }[row.expect.verdict]);
  });
});
