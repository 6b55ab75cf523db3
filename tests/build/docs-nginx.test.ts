// Every nginx configuration in the guides, run for real with Debian's nginx: each snippet is
// embedded as-is in a minimal nginx.conf (only its listen addresses, certificate paths and
// upstream port are rewritten to loopback test values), checked with `nginx -t`, started with its
// own pid file, and exercised over HTTPS: the .well-known files with their JSON, content type and
// CORS headers (GET and preflight), and the proxied paths with the raw path, Host and
// X-Forwarded-* headers the homeserver needs. nginx is stopped by its PID.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { readGuides } from './docs-markdown.ts';
import { freePort, blocksOf, exerciseServer, type ServerCommand, type Site, snippetWorkspace, type SnippetWorkspace } from './docs-servers.ts';

const NGINX = '/usr/sbin/nginx';
const snippets = readGuides().flatMap((page) =>
  page.blocks.filter((b) => b.lang === 'nginx').map((block) => ({ code: block.code, where: page.where(block.line) })),
);

interface Plan {
  config: string;
  sites: Site[];
}

/** Rewrites a snippet for the test: loopback listen addresses, test certificate, test upstream. */
function plan(code: string, ports: Map<number, number>, cert: { cert: string; key: string }, upstream: number): Plan {
  const servers = blocksOf(code, /^server$/, `'"`);
  if (servers.length === 0) throw new Error('no server block: show complete server blocks in the guides');
  const sites: Site[] = servers.map(({ body }) => {
    const name = body.match(/^\s*server_name\s+([^\s;]+)/m)?.[1];
    if (!name) throw new Error('server block without server_name');
    const addresses: Site['addresses'] = [];
    for (const line of body.split('\n').filter((l) => /^\s*listen\s/.test(l))) {
      const m = line.match(/^\s*listen\s+(\[::\]:)?(\d+)\s+ssl(\s+default_server)?;\s*$/);
      if (!m) throw new Error(`unexpected listen directive: ${line.trim()}`);
      addresses.push({ address: m[1] ? '::1' : '127.0.0.1', port: ports.get(Number(m[2]))! });
    }
    const locations = blocksOf(body, /^location\s/, `'"`);
    const wellKnown = locations
      .map((l) => l.header.match(/^location = \/\.well-known\/matrix\/(server|client|support)$/)?.[1])
      .filter((k): k is Site['wellKnown'][number] => Boolean(k));
    // proxy_pass with a URI ("…:8080/;") replaces the location's prefix: a service at its own root.
    const passes = locations.filter((l) => /proxy_pass/.test(l.body));
    const strips = (l: { body: string }) => /proxy_pass http:\/\/[^/\s;]+\/;/.test(l.body);
    const prefixOf = (l: { header: string }) => l.header.replace(/^location\s+/, '');
    const proxied = passes.filter((l) => !strips(l)).map(prefixOf);
    const stripped = passes.filter(strips).map(prefixOf);
    for (const prefix of [...proxied, ...stripped]) if (!/^\/\S*$/.test(prefix)) throw new Error(`location ${prefix}: the test expects prefix locations`);
    const everything = proxied.includes('/');
    // Prefixes a snippet refuses itself (`return 403;` / `return 404;`) must stay away from the
    // homeserver even when everything else is proxied.
    const refused = locations
      .filter((l) => !/proxy_pass/.test(l.body) && /^\s*return 40[34];/m.test(l.body))
      .map((l) => l.header.match(/^location\s+(\/\S*\/)$/)?.[1])
      .filter((prefix): prefix is string => prefix !== undefined)
      .map((prefix) => `${prefix}v1/server_version`);
    return { name, addresses, wellKnown, proxied, stripped, private: everything ? refused : ['/_synapse/admin/v1/server_version', '/', ...refused] };
  });
  const config = code
    .replace(/^(\s*)listen\s+(\[::\]:)?(\d+)\s+ssl(\s+default_server)?;/gm, (_, indent, v6, port, def) =>
      `${indent}listen ${v6 ? '[::1]' : '127.0.0.1'}:${ports.get(Number(port))} ssl${def ?? ''};`)
    .replace(/^(\s*)ssl_certificate\s+\S+;/gm, `$1ssl_certificate ${cert.cert};`)
    .replace(/^(\s*)ssl_certificate_key\s+\S+;/gm, `$1ssl_certificate_key ${cert.key};`)
    .replace(/proxy_pass http:\/\/127\.0\.0\.1:\d+(\S*);/g, `proxy_pass http://127.0.0.1:${upstream}$1;`);
  return { config, sites };
}

function nginxConf(dir: string, servers: string): string {
  const temp = join(dir, 'temp');
  return `worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log stderr notice;
events { worker_connections 64; }
http {
    # As in Debian's /etc/nginx/nginx.conf: the snippet must override the default type itself.
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path ${temp}/body;
    proxy_temp_path ${temp}/proxy;
    fastcgi_temp_path ${temp}/fastcgi;
    uwsgi_temp_path ${temp}/uwsgi;
    scgi_temp_path ${temp}/scgi;

${servers}
}
`;
}

function nginxTest(dir: string, conf: string) {
  const result = spawnSync(NGINX, ['-t', '-p', `${dir}/`, '-e', 'stderr', '-c', conf], { encoding: 'utf8' });
  const complaints = result.stderr.split('\n').filter((l) => /\[(warn|emerg|alert|crit|error)\]/.test(l));
  return { ok: result.status === 0, complaints, output: result.stderr };
}

describe.skipIf(!existsSync(NGINX))('nginx snippets in the guides', () => {
  let workspace: SnippetWorkspace;
  const ports = new Map<number, number>();

  beforeAll(async () => {
    const names = new Set<string>();
    for (const { code } of snippets) {
      for (const m of code.matchAll(/^\s*server_name\s+([^;]+);/gm)) for (const n of m[1].trim().split(/\s+/)) names.add(n);
      for (const m of code.matchAll(/^\s*listen\s+(?:\[::\]:)?(\d+)\b/gm)) {
        if (!ports.has(Number(m[1]))) ports.set(Number(m[1]), await freePort());
      }
    }
    workspace = await snippetWorkspace('nginx', names);
    const temp = join(workspace.dir, 'temp');
    mkdirSync(temp, { mode: 0o777 });
    chmodSync(temp, 0o777);
  });

  afterAll(async () => {
    await workspace?.close();
  });

  it('finds the snippets: .well-known, the homeserver proxies on 443 and 8448, the checker proxy', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(4);
    expect(snippets.some((s) => s.code.includes('location = /.well-known/matrix/client'))).toBe(true);
    expect(snippets.some((s) => /listen 8448 ssl/.test(s.code))).toBe(true);
    // The calls guide: lk-jwt-service behind a proxy that cuts its prefix off.
    const stripped = snippets.flatMap((s) => plan(s.code, ports, workspace.cert, workspace.upstream.port).sites.flatMap((site) => site.stripped ?? []));
    expect(stripped).toContain('/livekit/jwt/');
  });

  it.each(snippets.map((s) => [s.where, s] as const))('%s: nginx -t, then real HTTPS requests', async (_where, snippet) => {
    // Fresh ports for each run, so a slow shutdown of the previous nginx cannot get in the way.
    const own = new Map<number, number>();
    for (const port of ports.keys()) own.set(port, await freePort());
    const { config, sites } = plan(snippet.code, own, workspace.cert, workspace.upstream.port);
    const conf = join(workspace.dir, 'nginx.conf');
    writeFileSync(conf, nginxConf(workspace.dir, config));
    const checked = nginxTest(workspace.dir, conf);
    expect(checked.ok, checked.output).toBe(true);
    expect(checked.complaints, checked.output).toEqual([]);

    const server: ServerCommand = {
      command: NGINX,
      args: ['-p', `${workspace.dir}/`, '-e', 'stderr', '-c', conf],
      pidfile: join(workspace.dir, 'nginx.pid'),
      stop: 'SIGQUIT', // nginx's graceful shutdown
      startMs: 5000,
    };
    const { problems, output } = await exerciseServer(server, sites, workspace.cert.ca, workspace.upstream);
    expect(problems, output).toEqual([]);
  });

  it('all snippets load together without conflicts, as on one machine', () => {
    const combined = snippets.map((s) => plan(s.code, ports, workspace.cert, workspace.upstream.port).config).join('\n');
    const conf = join(workspace.dir, 'combined.conf');
    writeFileSync(conf, nginxConf(workspace.dir, combined));
    const checked = nginxTest(workspace.dir, conf);
    expect(checked.ok, checked.output).toBe(true);
    expect(checked.complaints, checked.output).toEqual([]);
  });
});
