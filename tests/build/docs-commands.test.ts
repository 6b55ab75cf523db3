// The openssl and curl commands the guides tell admins to run, run for real against a local HTTPS
// server that plays example.com and matrix.example.com: only the address they connect to is
// moved to loopback and the test CA is added, so the options, the SNI and name checks and the
// pipelines are exactly as written. A control run shows that the commands do catch a certificate
// for the wrong name, as the guides say they will.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import { readGuides } from './docs-markdown.ts';
import { makeCertificates } from './docs-servers.ts';

const HOSTS = new Set(['example.com', 'matrix.example.com']);
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** Shell commands of the bash blocks, continuation lines joined and comments dropped. */
const commands = readGuides().flatMap((page) =>
  page.blocks
    .filter((b) => b.lang === 'bash')
    .flatMap((b) =>
      b.code
        .replace(/\\\n\s*/g, ' ')
        .split('\n')
        .map((line) => line.replace(/\s+#\s.*$/, '').trim())
        .filter((line) => line && !line.startsWith('#'))
        .map((command) => ({ command, where: page.where(b.line) })),
    ),
);
const opensslCommands = commands.filter(({ command }) => {
  const host = command.match(/^openssl s_client -connect (\S+):\d+/)?.[1];
  return host !== undefined && (HOSTS.has(host) || /^\d+\.\d+\.\d+\.\d+$/.test(host));
});
const curlCommands = commands.filter(({ command }) => {
  const host = command.match(/^curl [^|]*?https:\/\/([^/\s']+)\//)?.[1];
  return host !== undefined && HOSTS.has(host);
});

function startServer(cert: string, key: string): Promise<{ server: Server; port: number }> {
  const server = createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
    const documents: Record<string, unknown> = {
      '/.well-known/matrix/server': { 'm.server': 'matrix.example.com:443' },
      '/.well-known/matrix/client': { 'm.homeserver': { base_url: 'https://matrix.example.com' } },
      '/_matrix/federation/v1/version': { server: { name: 'docs-test', version: '0' } },
      '/_matrix/key/v2/server': { server_name: 'example.com', verify_keys: {} },
      '/_matrix/client/versions': { versions: ['v1.19'] },
    };
    const body = documents[req.url ?? ''];
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end(JSON.stringify(body ?? { errcode: 'M_UNRECOGNIZED' }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    }),
  );
}

/** Points a guide command at the local server and the test CA; nothing else changes. */
function localize(command: string, port: number, caFile: string): string {
  if (command.startsWith('openssl s_client')) {
    return command.replace(/^openssl s_client -connect \S+/, `openssl s_client -CAfile ${caFile} -connect 127.0.0.1:${port}`);
  }
  const host = command.match(/https:\/\/([^/\s']+)\//)![1];
  const withTarget = /--connect-to \S+/.test(command)
    ? command.replace(/--connect-to (\S+?):(\d+):\S+/, `--connect-to $1:$2:127.0.0.1:${port}`)
    : command.replace(/^curl /, `curl --connect-to ${host}:443:127.0.0.1:${port} `);
  return withTarget.replace(/^curl /, `curl --cacert ${caFile} `);
}

/** Runs a command line in bash, asynchronously: the HTTPS servers live in this process. */
function run(command: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('openssl and curl commands in the guides', () => {
  let dir: string;
  let good: { server: Server; port: number };
  let wrongName: { server: Server; port: number };
  let caFile: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedcheck-commands-'));
    // Valid for example.com, matrix.example.com and the IP-literal example; 30 days, so that the
    // guides' 14-day expiry check passes.
    const all = makeCertificates(dir, ['example.com', 'matrix.example.com'], { ips: ['203.0.113.10'], days: 30 });
    // The classic SRV mistake: a certificate for the SRV target only.
    const targetOnly = makeCertificates(dir, ['matrix.example.com'], { prefix: 'target-only' });
    caFile = all.caFile;
    good = await startServer(all.cert, all.key);
    wrongName = await startServer(targetOnly.cert, targetOnly.key);
  });

  afterAll(() => {
    good?.server.close();
    wrongName?.server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the commands', () => {
    expect(opensslCommands.length).toBeGreaterThanOrEqual(8);
    expect(curlCommands.length).toBeGreaterThanOrEqual(6);
  });

  it.each(opensslCommands.map((c) => [`${c.where}: ${c.command}`, c] as const))('%s', async (_name, { command }) => {
    const result = await run(localize(command, good.port, caFile));
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    if (command.includes('-brief')) expect(result.stderr).toContain('Verification: OK');
  });

  it.skipIf(!has('curl')).each(curlCommands.map((c) => [`${c.where}: ${c.command}`, c] as const))('%s', async (_name, { command }) => {
    const result = await run(localize(command, good.port, caFile));
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    const body = command.includes('-sSi') ? result.stdout.split(/\r?\n\r?\n/).slice(1).join('\n\n') : result.stdout;
    if (command.includes('-sSi')) expect(result.stdout).toMatch(/^HTTP\/[\d.]+ 200/);
    if (!command.includes('json.tool')) expect(() => JSON.parse(body), result.stdout).not.toThrow();
  });

  it('catch a certificate for the SRV target instead of the server name, as the guides say', async () => {
    const openssl = opensslCommands.find(({ command }) => /-connect matrix\.example\.com:8448 -servername example\.com/.test(command));
    expect(openssl).toBeDefined();
    const failed = await run(localize(openssl!.command, wrongName.port, caFile));
    expect(failed.status).not.toBe(0);
    expect(failed.stdout + failed.stderr).toMatch(/hostname mismatch|verify error/i);
    if (has('curl')) {
      const curl = curlCommands.find(({ command }) => command.includes('--connect-to example.com:443:matrix.example.com:8448'));
      expect(curl).toBeDefined();
      expect((await run(localize(curl!.command, wrongName.port, caFile))).status).not.toBe(0);
    }
  });
});
