// `npm start`'s entry point as a process: it prints its URL, serves the site and the API,
// and on SIGTERM stops accepting, lets a running report finish at its deadline, exits 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeDns, type FakeDnsServer } from '../unit/adapters-node/support/dns-server.ts';
import { startCommand } from '../e2e/browser.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dns: FakeDnsServer;
let child: ChildProcess;
let output = '';
// A prebuilt site, so that this test neither waits for nor depends on the Astro build.
const siteDir = mkdtempSync(path.join(tmpdir(), 'fedcheck-prebuilt-'));

beforeAll(async () => {
  writeFileSync(path.join(siteDir, 'index.html'), '<!doctype html><title>prebuilt</title>');
  dns = await startFakeDns({ 'slow.test': { drop: true } });
  child = spawn(process.execPath, startCommand(), {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      FEDCHECK_SITE_DIR: siteDir,
      FEDCHECK_DNS_SERVERS: dns.address,
      FEDCHECK_REPORT_TIMEOUT_MS: '2000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  while (!/serving http:\/\/127\.0\.0\.1:\d+\//.test(output)) {
    if (child.exitCode !== null) throw new Error(`start.ts exited with ${child.exitCode}:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});

afterAll(async () => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  await dns?.close();
  rmSync(siteDir, { recursive: true, force: true });
});

describe('npm start (src/server/start.ts)', () => {
  it('prints the URL, serves the site and the API, and shuts down gracefully on SIGTERM', async () => {
    const url = /fedcheck: serving (http:\/\/127\.0\.0\.1:\d+\/) \(site \+ proxy API\)/.exec(output)![1];
    const health = await fetch(`${url}api/v1/health`);
    expect(await health.json()).toMatchObject({ ok: true });
    const home = await fetch(url);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('prebuilt');

    const started = performance.now();
    const running = fetch(`${url}api/v1/report?server_name=slow.test`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(fetch(`${url}api/v1/health`)).rejects.toThrow();

    const report = await running;
    expect(report.status).toBe(200);
    expect(await report.json()).toMatchObject({ serverName: 'slow.test', source: 'proxy' });
    const [code] = await exited;
    expect(code).toBe(0);
    expect(performance.now() - started).toBeLessThan(2000 + 1500);
    expect(output).toContain('fedcheck: SIGTERM, finishing open requests');
  });
});
