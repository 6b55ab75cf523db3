// Every Caddyfile in the guides, run for real with Caddy where it is installed (Debian: `caddy`):
// each snippet keeps its directives as written; the test only moves the site addresses to
// loopback test ports, loads a test certificate instead of asking an ACME CA, and points
// reverse_proxy at a fake homeserver. `caddy validate`, then `caddy run` with its own pid file,
// real HTTPS requests with the checks of the nginx test, and a stop by PID.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { readGuides } from './docs-markdown.ts';
import { freePort, blocksOf, exerciseServer, type ServerCommand, type Site, snippetWorkspace, type SnippetWorkspace } from './docs-servers.ts';

const CADDY = spawnSync('sh', ['-c', 'command -v caddy'], { encoding: 'utf8' }).stdout.trim();
const snippets = readGuides().flatMap((page) =>
  page.blocks.filter((b) => b.lang === 'caddy').map((block) => ({ code: block.code, where: page.where(block.line) })),
);

function plan(code: string, ports: Map<number, number>, cert: { cert: string; key: string }, upstream: number) {
  const sites: Site[] = [];
  const config = code.replace(/^([a-z0-9.-]+)(?::(\d+))? \{$/gm, (_, host: string, port?: string) => {
    const mapped = ports.get(Number(port ?? 443));
    if (!mapped) throw new Error(`no test port for ${host}:${port ?? 443}`);
    // Our certificate instead of ACME, and loopback only.
    return `${host}:${mapped} {\n\ttls ${cert.cert} ${cert.key}\n\tbind 127.0.0.1 ::1`;
  }).replace(/(reverse_proxy (?:\/\S* )?)127\.0\.0\.1:\d+/g, `$1127.0.0.1:${upstream}`);
  for (const { header, body } of blocksOf(code, /^[a-z0-9.-]+(:\d+)? *$/, '"`')) {
    const [host, port] = header.split(':');
    const mapped = ports.get(Number(port ?? 443))!;
    const wellKnown = [...body.matchAll(/^\s*respond \/\.well-known\/matrix\/(server|client|support) /gm)].map((m) => m[1] as Site['wellKnown'][number]);
    const proxied = [...body.matchAll(/^\s*reverse_proxy (\/\S*)\* /gm)].map((m) => m[1]);
    // handle_path cuts its prefix off before the reverse_proxy inside it.
    const stripped = [...body.matchAll(/^\s*handle_path (\/\S*)\* \{/gm)].map((m) => m[1]);
    const everything = proxied.includes('/');
    sites.push({
      name: host,
      addresses: [{ address: '127.0.0.1', port: mapped }, { address: '::1', port: mapped }],
      wellKnown,
      proxied,
      stripped,
      private: (proxied.length || stripped.length) && !everything ? ['/_synapse/admin/v1/server_version', '/'] : [],
    });
  }
  if (sites.length === 0) throw new Error('no site block');
  return { config, sites };
}

describe.skipIf(!CADDY)('Caddy snippets in the guides', () => {
  let workspace: SnippetWorkspace;

  beforeAll(async () => {
    const names = new Set<string>();
    for (const { code } of snippets) for (const m of code.matchAll(/^([a-z0-9.-]+)(?::\d+)? \{$/gm)) names.add(m[1]);
    workspace = await snippetWorkspace('caddy', names);
  });

  afterAll(async () => {
    await workspace?.close();
  });

  it('finds the snippets: .well-known with CORS, the homeserver proxies on 443 and 8448', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(3);
    expect(snippets.some((s) => s.code.includes('respond /.well-known/matrix/client'))).toBe(true);
    expect(snippets.some((s) => /:8448 \{/.test(s.code))).toBe(true);
    // The calls guide: lk-jwt-service behind handle_path, which cuts its prefix off.
    const stripped = snippets.flatMap((s) => plan(s.code, new Map([[443, 1], [8448, 2]]), workspace.cert, workspace.upstream.port).sites.flatMap((site) => site.stripped ?? []));
    expect(stripped).toContain('/livekit/jwt/');
  });

  it.each(snippets.map((s) => [s.where, s] as const))('%s: caddy validate, then real HTTPS requests', async (_where, snippet) => {
    const ports = new Map<number, number>();
    for (const m of snippet.code.matchAll(/^[a-z0-9.-]+(?::(\d+))? \{$/gm)) ports.set(Number(m[1] ?? 443), await freePort());
    const { config, sites } = plan(snippet.code, ports, workspace.cert, workspace.upstream.port);
    const file = join(workspace.dir, 'Caddyfile');
    // Global options for the test only: no admin API, no ACME, state kept in the temp folder.
    writeFileSync(
      file,
      `{\n\tadmin off\n\tauto_https disable_redirects\n\tskip_install_trust\n\tstorage file_system ${join(workspace.dir, 'data')}\n\thttp_port ${await freePort()}\n}\n\n${config}\n`,
    );
    const env = { ...process.env, HOME: workspace.dir, XDG_CONFIG_HOME: join(workspace.dir, 'config'), XDG_DATA_HOME: join(workspace.dir, 'data') };
    const validated = spawnSync(CADDY, ['validate', '--config', file, '--adapter', 'caddyfile'], { encoding: 'utf8', env });
    expect(validated.status, `${validated.stdout}${validated.stderr}`).toBe(0);

    const pidfile = join(workspace.dir, 'caddy.pid');
    const server: ServerCommand = {
      command: CADDY,
      args: ['run', '--config', file, '--adapter', 'caddyfile', '--pidfile', pidfile],
      env,
      pidfile,
      stop: 'SIGTERM',
      startMs: 10_000,
    };
    const { problems, output } = await exerciseServer(server, sites, workspace.cert.ca, workspace.upstream);
    expect(problems, output).toEqual([]);
  });
});
