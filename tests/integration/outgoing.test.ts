// Outgoing federation against the rig's notary stand-ins (tests/rig/notary.ts): every variant
// through GET /api/v1/report and through the CLI, fedcheck's name over IPv6, ten tests at once
// (each gets its own fetch), and the key file across restarts of `npm start`.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createNodeAdapters } from '../../src/adapters/node/index.ts';
import type { Finding, Report } from '../../src/checker/report.ts';
import type { ResolvedScenario } from '../rig/build.ts';
import { startProxy, type RunningProxy } from '../unit/server/support/proxy.ts';

const rig = inject('rig');
const root = fileURLToPath(new URL('../..', import.meta.url));
const rows = rig.scenarios.filter((s) => s.enabled && s.id.startsWith('outgoing-'));
const variantRows = rows.filter((s) => !s.id.startsWith('outgoing-many-'));
const row = (id: string) => rows.find((s) => s.id === id)!;
const adapters = createNodeAdapters({ dnsServers: [rig.dns.server], allowPrivate: true });
const proxyConfig = { dnsServers: [rig.dns.server], allowPrivate: true, rateLimit: null, maxConcurrentReports: 100 };
const identityAt = (v6 = false) => ({
  host: v6 ? rig.identity.names.v6 : rig.identity.names.v4,
  address: v6 ? '::1' : rig.identity.address,
  chainFile: rig.identity.chainFile,
  keyFile: rig.identity.keyFile,
  signingKeyFile: rig.identity.signingKeyFile,
});

const finding = (report: Report, id: string): Finding => {
  const found = report.checks.find((check) => check.id === id);
  if (!found) throw new Error(`no ${id} in ${JSON.stringify(report.checks.map((c) => c.id))}`);
  return found;
};

/** What every variant must show, from the API or the CLI alike. */
function expectVariant(report: Report, scenario: ResolvedScenario, ourName: string) {
  const reached = finding(report, 'outgoing.reached');
  const context = JSON.stringify({ reached, steps: report.steps.filter((s) => s.id === 'outgoing') });
  expect(report.areas.outgoing, context).toBe(scenario.expect.outgoing);
  expect(report.verdict, context).toBe(scenario.expect.verdictWithOutgoing ?? scenario.expect.verdict);
  const variant = scenario.id.replace(/^outgoing-/, '');
  if (variant === 'good' || variant === 'wrong-signature' || variant.startsWith('many-')) {
    expect(reached.status, context).toBe('pass');
    expect(reached.data).toMatchObject({
      address: scenario.address,
      family: 'IPv4',
      userAgent: `fedcheck-rig-notary/${variant.startsWith('many-') ? 'good' : variant}`,
      sni: ourName.split(':')[0],
      host: ourName,
    });
    expect(finding(report, 'outgoing.notary-signature').status, context).toBe(variant === 'wrong-signature' ? 'fail' : 'pass');
  } else {
    expect(report.checks.some((check) => check.id === 'outgoing.notary-signature')).toBe(false);
  }
  if (variant === 'refuses') expect(reached.detail).toMatch(/^Could not test outgoing federation: .*HTTP 404 M_UNRECOGNIZED/);
  if (variant === 'from-cache') expect(reached.detail).toMatch(/^Could not test outgoing federation: .* a copy of .* it had before this test/);
  if (variant === 'egress-blocked' || variant === 'ipv6-only') {
    expect(reached.detail).toContain(`answered the key query without ${ourName}'s keys`);
    expect(reached.fix).toContain('/docs/outgoing-federation/');
  }
}

describe('outgoing federation through /api/v1/report', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startProxy(proxyConfig, adapters, identityAt());
  });
  afterAll(() => proxy?.close());

  it('the rig has every notary variant', () => {
    expect(variantRows.map((s) => s.id).sort()).toEqual(
      ['outgoing-egress-blocked', 'outgoing-from-cache', 'outgoing-good', 'outgoing-ipv6-only', 'outgoing-refuses', 'outgoing-wrong-signature'].sort(),
    );
  });

  for (const scenario of variantRows) {
    it(`${scenario.id}: ${scenario.summary}`, async () => {
      const { status, body } = await proxy.report(scenario.serverName);
      expect(status).toBe(200);
      expectVariant(body, scenario, proxy.identity!.serverName);
    });
  }

  it('ten outgoing tests at once against ten servers each get their own fetch', async () => {
    const many = rows.filter((s) => s.id.startsWith('outgoing-many-'));
    expect(many).toHaveLength(10);
    const reports = await Promise.all(many.map((scenario) => proxy.report(scenario.serverName)));
    reports.forEach(({ body }, i) => expectVariant(body, many[i]!, proxy.identity!.serverName));
    const addresses = reports.map(({ body }) => (finding(body, 'outgoing.reached').data as { address: string }).address);
    expect(new Set(addresses).size).toBe(10);
  });
});

describe('fedcheck with a name that has only an IPv6 address', () => {
  let proxy: RunningProxy | undefined;
  beforeAll(async () => {
    if (rig.identity.v6) proxy = await startProxy(proxyConfig, adapters, identityAt(true));
  });
  afterAll(() => proxy?.close());

  it.skipIf(!rig.identity.v6)('is reached by a server with IPv6-only egress, and the fetch says IPv6', async () => {
    const { body } = await proxy!.report(row('outgoing-ipv6-only').serverName);
    const reached = finding(body, 'outgoing.reached');
    expect(reached.status, reached.detail).toBe('pass');
    expect(reached.data).toMatchObject({ address: '::1', family: 'IPv6', userAgent: 'fedcheck-rig-notary/ipv6-only' });
  });
});

describe('without FEDCHECK_SERVER_NAME', () => {
  it('the outgoing finding says how to enable the test', async () => {
    const proxy = await startProxy(proxyConfig, adapters);
    try {
      const { body } = await proxy.report(row('outgoing-good').serverName);
      const reached = finding(body, 'outgoing.reached');
      expect(reached.status).toBe('skip');
      expect(reached.detail).toMatch(/Set FEDCHECK_SERVER_NAME .* and FEDCHECK_KEY_FILE/);
      expect(body.verdict).toBe('pass');
    } finally {
      await proxy.close();
    }
  });
});

/** A free port on `address` (the CLI listens there itself; the port is part of its name). */
function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, address, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...rig.env, FEDCHECK_ALLOW_PRIVATE: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('outgoing federation through the CLI', () => {
  for (const scenario of variantRows) {
    it(`${scenario.id}: the CLI listens on its name for the length of the check`, async () => {
      const port = await freePort(rig.identity.address);
      const ourName = `${rig.identity.names.v4}:${port}`;
      const result = await run(['src/cli/fedcheck.ts', scenario.serverName, '--json'], {
        FEDCHECK_SERVER_NAME: ourName,
        FEDCHECK_KEY_FILE: rig.identity.signingKeyFile,
        HOST: rig.identity.address,
        PORT: String(port),
        FEDCHECK_TLS_CERT: rig.identity.chainFile,
        FEDCHECK_TLS_KEY: rig.identity.keyFile,
      });
      expect(result.stderr).toBe('');
      const report = JSON.parse(result.stdout) as Report;
      expect(report.source).toBe('cli');
      expectVariant(report, scenario, ourName);
      expect(result.code).toBe({ pass: 0, warn: 1, fail: 2 }[report.verdict]);
    });
  }
});

describe('the key file across restarts of npm start', () => {
  const siteDir = mkdtempSync(join(tmpdir(), 'fedcheck-site-'));
  writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>prebuilt</title>');

  async function startOnce(env: Record<string, string>): Promise<{ code: number | null; output: string; keys?: Record<string, unknown> }> {
    const child = spawn(process.execPath, ['src/server/start.ts'], {
      cwd: root,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', FEDCHECK_SITE_DIR: siteDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    for (;;) {
      const url = /serving (http:\/\/[^ ]+\/)/.exec(output)?.[1];
      if (url) {
        const keys = (await (await fetch(`${url}_matrix/key/v2/server`)).json()) as Record<string, unknown>;
        child.kill('SIGTERM');
        return { code: await exited, output, keys };
      }
      if (child.exitCode !== null) return { code: child.exitCode, output };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('keeps the same key id and key after a restart', async () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'fedcheck-key-')), 'signing.key');
    const env = { FEDCHECK_SERVER_NAME: 'fedcheck.example.org', FEDCHECK_KEY_FILE: keyFile };
    const first = await startOnce(env);
    const second = await startOnce(env);
    expect(first.output).toContain('federation identity fedcheck.example.org');
    expect(first.keys!.verify_keys).toEqual(second.keys!.verify_keys);
    expect(Object.keys(first.keys!.verify_keys as object)[0]).toMatch(/^ed25519:fc_/);
  });

  it('stops with a message naming a bad key file, and leaves the file alone', async () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'fedcheck-key-')), 'signing.key');
    copyFileSync(join(siteDir, 'index.html'), keyFile);
    const result = await startOnce({ FEDCHECK_SERVER_NAME: 'fedcheck.example.org', FEDCHECK_KEY_FILE: keyFile });
    expect(result.code).toBe(1);
    expect(result.output).toContain(`FEDCHECK_KEY_FILE=${JSON.stringify(keyFile)}: not a fedcheck signing key`);
    expect(result.keys).toBeUndefined();
  });
});
