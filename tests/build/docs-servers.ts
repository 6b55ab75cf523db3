// Running the guides' server configurations for real in tests: a test CA, free loopback ports,
// HTTPS requests with the SNI and Host a peer would send, a fake homeserver upstream, and the
// checks every served .well-known file and proxied path must pass.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SPEC_CORS, wellKnownProblems, type WellKnownKind } from './docs-markdown.ts';

/** A CA and one leaf certificate for the given DNS names (and IP addresses), made with the openssl CLI. */
export function makeCertificates(dir: string, names: string[], options: { ips?: string[]; days?: number; prefix?: string } = {}) {
  const days = String(options.days ?? 30);
  const leaf = options.prefix ?? 'leaf';
  const sans = [...names.map((n) => `DNS:${n}`), ...(options.ips ?? []).map((ip) => `IP:${ip}`)];
  const run = (args: string[]) => {
    const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}\n${result.stderr}`);
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  if (!existsSync(join(dir, 'ca.crt'))) {
    run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', days, '-subj', '/CN=fedcheck docs test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  }
  run(['req', ...ec, '-keyout', `${leaf}.key`, '-out', `${leaf}.csr`, '-subj', `/CN=${names[0]}`]);
  writeFileSync(
    join(dir, `${leaf}.ext`),
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${sans.join(',')}\n`,
  );
  run(['x509', '-req', '-in', `${leaf}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${leaf}.crt`, '-days', days, '-extfile', `${leaf}.ext`]);
  return {
    ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    caFile: join(dir, 'ca.crt'),
    cert: join(dir, `${leaf}.crt`),
    key: join(dir, `${leaf}.key`),
  };
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, host: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`server exited before listening on ${host}:${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
}

/** How to run a web server in the foreground and stop it by the PID it writes. */
export interface ServerCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  pidfile: string;
  /** The server's own shutdown signal. */
  stop: NodeJS.Signals;
  startMs: number;
  /** A log file the server writes instead of stderr, shown with its output. */
  log?: string;
}

/**
 * Starts the server, waits until every site address listens and the pid file names the process,
 * runs exerciseSites against it, and stops it by that PID whatever happens (SIGKILL after 5 s).
 */
export async function exerciseServer(server: ServerCommand, sites: Site[], ca: string, upstream: Upstream): Promise<{ problems: string[]; output: string }> {
  rmSync(server.pidfile, { force: true });
  let captured = '';
  const output = () => captured + (server.log && existsSync(server.log) ? readFileSync(server.log, 'utf8') : '');
  const child = spawn(server.command, server.args, { env: server.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (captured += chunk.toString('utf8')));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
  const written = () => (existsSync(server.pidfile) ? Number(readFileSync(server.pidfile, 'utf8').trim()) || undefined : undefined);
  try {
    const deadline = Date.now() + server.startMs;
    for (const site of sites) {
      for (const { address, port } of site.addresses) await waitForPort(port, address, server.startMs, () => !exited).catch((e: Error) => {
        throw new Error(`${e.message}\n${output()}`);
      });
    }
    // Servers bind their ports before they write the pid file.
    while (written() === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (written() !== child.pid) throw new Error(`${server.pidfile} holds ${written()}, not the server's PID ${child.pid}\n${output()}`);
    return { problems: await exerciseSites(sites, ca, upstream), output: output() };
  } finally {
    const pid = written() ?? child.pid;
    if (!exited && pid) process.kill(pid, server.stop);
    await Promise.race([exit, new Promise((r) => setTimeout(r, 5000))]);
    if (!exited && child.pid) process.kill(child.pid, 'SIGKILL');
  }
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTPS request to a loopback address with the SNI and Host a real client would send. */
export function fetchTls(options: {
  address: string;
  port: number;
  name: string;
  path: string;
  ca: string;
  method?: string;
  headers?: Record<string, string>;
}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: options.address,
        port: options.port,
        servername: options.name,
        path: options.path,
        method: options.method ?? 'GET',
        ca: options.ca,
        headers: { Host: options.name, ...options.headers },
        timeout: 5000,
        agent: false, // one connection per request: nothing keeps the server from shutting down
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}


export interface Upstream {
  port: number;
  seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders }>;
  close: () => Promise<void>;
}

/** Stands in for the homeserver behind the reverse proxy and records what reaches it. */
export async function startUpstream(): Promise<Upstream> {
  const seen: Upstream['seen'] = [];
  const server = createHttpServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    // As Synapse and MAS on their API answers and lk-jwt-service on its token endpoints do: the proxy must pass it on once.
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end('{"server":{"name":"upstream","version":"0"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What one server's snippet tests share: a temp folder, certificates for the snippets' names, the stand-in homeserver. */
export interface SnippetWorkspace {
  dir: string;
  cert: ReturnType<typeof makeCertificates>;
  upstream: Upstream;
  close(): Promise<void>;
}

export async function snippetWorkspace(server: string, names: Iterable<string>): Promise<SnippetWorkspace> {
  const dir = mkdtempSync(join(tmpdir(), `fedcheck-${server}-`));
  // Servers that drop privileges (nginx workers, Apache as www-data) must read it when the tests run as root.
  chmodSync(dir, 0o755);
  const cert = makeCertificates(dir, [...names]);
  const upstream = await startUpstream();
  return {
    dir,
    cert,
    upstream,
    async close() {
      await upstream.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One name a configuration serves, and where the test can reach it. */
export interface Site {
  name: string;
  addresses: Array<{ address: string; port: number }>;
  wellKnown: WellKnownKind[];
  /** Path prefixes the configuration proxies to the homeserver. */
  proxied: string[];
  /**
   * Path prefixes proxied with the prefix cut off, to a service that answers at its own root
   * and sends its own CORS headers (lk-jwt-service under /livekit/jwt/).
   */
  stripped?: string[];
  /** Paths that must not reach the homeserver. */
  private: string[];
}

// Escapes a proxy must pass through untouched: signed federation requests cover the raw path.
const PROBE_SUFFIX = 'fedcheck/a%2Fb/%21room%3Aexample.com?user_id=%40alice%3Aexample.com';

/** Requests every served file and proxied path of each site; returns what went wrong. */
export async function exerciseSites(sites: Site[], ca: string, upstream: Upstream): Promise<string[]> {
  const problems: string[] = [];
  for (const site of sites) {
    for (const { address, port } of site.addresses) {
      const at = `${site.name} via ${address.includes(':') ? `[${address}]` : address}:${port}`;
      const get = (path: string, method = 'GET', headers: Record<string, string> = {}) =>
        fetchTls({ address, port, name: site.name, path, ca, method, headers }).catch((error: Error) => {
          problems.push(`${at} ${method} ${path}: ${error.message}`);
          return null;
        });
      for (const kind of site.wellKnown) {
        const path = `/.well-known/matrix/${kind}`;
        const reply = await get(path, 'GET', { Origin: 'https://app.example.net' });
        if (!reply) continue;
        if (reply.status !== 200) problems.push(`${at} GET ${path}: status ${reply.status}`);
        if (!/^application\/json\b/.test(String(reply.headers['content-type']))) {
          problems.push(`${at} GET ${path}: content-type ${reply.headers['content-type']}`);
        }
        let body: unknown;
        try {
          body = JSON.parse(reply.body);
        } catch {
          problems.push(`${at} GET ${path}: body is not JSON: ${reply.body.slice(0, 80)}`);
        }
        if (body !== undefined) for (const p of wellKnownProblems(kind, body)) problems.push(`${at} GET ${path}: ${p}`);
        if (reply.headers['access-control-allow-origin'] !== '*') problems.push(`${at} GET ${path}: no Access-Control-Allow-Origin: *`);
        if (kind === 'client') {
          for (const [name, value] of Object.entries(SPEC_CORS)) {
            if (reply.headers[name] !== value) problems.push(`${at} GET ${path}: ${name} is ${reply.headers[name]}`);
          }
          const preflight = await get(path, 'OPTIONS', {
            Origin: 'https://app.example.net',
            'Access-Control-Request-Method': 'GET',
            'Access-Control-Request-Headers': 'authorization',
          });
          if (preflight) {
            if (preflight.status < 200 || preflight.status > 299) problems.push(`${at} OPTIONS ${path}: status ${preflight.status}`);
            for (const [name, value] of Object.entries(SPEC_CORS)) {
              if (preflight.headers[name] !== value) problems.push(`${at} OPTIONS ${path}: ${name} is ${preflight.headers[name]}`);
            }
          }
        }
      }
      for (const prefix of site.proxied) {
        const path = `${prefix}${PROBE_SUFFIX}`;
        const before = upstream.seen.length;
        const reply = await get(path);
        if (!reply) continue;
        const forwarded = upstream.seen[before];
        if (reply.status !== 200 || !forwarded) {
          problems.push(`${at} GET ${path}: not proxied (status ${reply.status})`);
          continue;
        }
        if (forwarded.url !== path) problems.push(`${at} GET ${path}: upstream saw ${forwarded.url}`);
        // Browsers refuse a missing header and a doubled one ("*, *") alike.
        if (reply.headers['access-control-allow-origin'] !== '*') {
          problems.push(`${at} GET ${path}: Access-Control-Allow-Origin from the homeserver arrives as ${reply.headers['access-control-allow-origin']}`);
        }
        if (forwarded.headers.host !== site.name) problems.push(`${at} GET ${path}: upstream Host ${forwarded.headers.host}`);
        if (forwarded.headers['x-forwarded-for'] !== address) problems.push(`${at} GET ${path}: X-Forwarded-For ${forwarded.headers['x-forwarded-for']}`);
        if (forwarded.headers['x-forwarded-proto'] !== 'https') problems.push(`${at} GET ${path}: X-Forwarded-Proto ${forwarded.headers['x-forwarded-proto']}`);
      }
      for (const prefix of site.stripped ?? []) {
        const path = `${prefix}get_token`;
        const before = upstream.seen.length;
        const reply = await get(path, 'GET', { Origin: 'https://app.example.net' });
        if (!reply) continue;
        const forwarded = upstream.seen[before];
        if (reply.status !== 200 || !forwarded) problems.push(`${at} GET ${path}: not proxied (status ${reply.status})`);
        else if (forwarded.url !== '/get_token') problems.push(`${at} GET ${path}: upstream saw ${forwarded.url}, not /get_token`);
        // The stand-in sends its own header as lk-jwt-service does: it must arrive once, neither dropped nor doubled ("*, *").
        if (reply.headers['access-control-allow-origin'] !== '*') {
          problems.push(`${at} GET ${path}: Access-Control-Allow-Origin from the service arrives as ${reply.headers['access-control-allow-origin']}`);
        }
      }
      for (const path of site.private) {
        const before = upstream.seen.length;
        const reply = await get(path);
        if (reply && upstream.seen.length !== before) problems.push(`${at} GET ${path}: reached the homeserver`);
      }
    }
  }
  return problems;
}

/** Top-level `keyword … { … }` blocks of an nginx or Caddy config, skipping braces inside the given quote characters and # comments. */
export function blocksOf(text: string, keyword: RegExp, quotes: string): Array<{ header: string; body: string }> {
  const found: Array<{ header: string; body: string }> = [];
  let depth = 0;
  let start = -1;
  let header = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (quotes.includes(c)) quote = c;
    else if (c === '#') i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    else if (c === '{') {
      if (depth === 0) {
        const lineStart = text.lastIndexOf('\n', i) + 1;
        header = text.slice(lineStart, i).trim();
        start = i + 1;
      }
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0 && keyword.test(header)) found.push({ header, body: text.slice(start, i) });
    }
  }
  return found;
}
