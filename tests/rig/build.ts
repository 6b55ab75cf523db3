// Pure generation: scenario table -> resolved scenarios, zone files, nginx/knot/dnsdist
// configs. No processes here (see rig.ts).
import { isIP } from 'node:net';
import { join } from 'node:path';
import { identityNames, infraHosts, type NotaryVariant, type CertKind, type DnsRecord, type Expectation, type Route, type Scenario } from './scenarios.ts';

export interface Layout {
  slot: number;
  /** "127.0.1" in slot 0. */
  net: string;
  /** "127.0.2" in slot 0. */
  infraNet: string;
  /** DNS ports: public (what clients use) and where knot really listens. */
  dnsA: number;
  dnsB: number;
  dnsBlackhole: number;
  dnsdistPlain: number;
  /** unbound, validating DNSSEC with fed.test's key as its trust anchor, in front of knot a. */
  dnsValidating: number;
  knotA: number;
  knotB: number;
  latencyMs: number;
  runDir: string;
  /** ::1 usable here (some containers disable IPv6 on lo); the ::1 rows need it and slot 0. */
  ipv6: boolean;
}

export function makeLayout(slot: number, latencyMs: number, runDir: string, ipv6 = true): Layout {
  const base = 5300 + 20 * slot;
  return {
    slot,
    net: `127.0.${1 + 2 * slot}`,
    infraNet: `127.0.${2 + 2 * slot}`,
    dnsA: base,
    dnsB: base + 1,
    dnsBlackhole: base + 2,
    dnsdistPlain: base + 3,
    dnsValidating: base + 4,
    knotA: latencyMs > 0 ? base + 10 : base,
    knotB: latencyMs > 0 ? base + 11 : base + 1,
    latencyMs,
    runDir,
    ipv6,
  };
}

/** Where a server really listens: shifted by 10000 when a latency forwarder sits in front. */
export const innerPort = (l: Layout, port: number) => (l.latencyMs > 0 ? port + 10000 : port);

export interface ResolvedRoute {
  path: string;
  status: number;
  contentType: string;
  cors: boolean;
  headers: Record<string, string>;
  /** Route.methods: answers for other methods. */
  methods: NonNullable<Route['methods']>;
  redirect?: string;
  /** The exact body served (absent for redirects). */
  body?: string;
  bodyBytes?: number;
  keys?: { variant: string; serverName: string; keyId: string; publicKey: string; signatureValid: boolean };
  /** Route.hang: never answered. */
  hang?: true;
}

export interface ResolvedHost {
  /** Stable id, used for file names: `${scenarioId}-${index}`. */
  id: string;
  names: string[];
  address: string;
  ports: number[];
  tls: boolean;
  tarpit: boolean;
  cert: { kind: CertKind; names: string[]; chainFile?: string; keyFile?: string } | null;
  routes: ResolvedRoute[];
  /** HostSpec.hostWithPortStatus. */
  hostWithPortStatus?: number;
  /** Served by the notary stand-in (notary.ts), not nginx. */
  notary?: NotaryVariant;
}

export interface ResolvedRecord {
  name: string;
  type: DnsRecord['type'];
  value: string;
  zones: ('a' | 'b')[];
}

export interface ResolvedScenario {
  id: string;
  serverName: string;
  summary: string;
  spec?: string;
  enabled: boolean;
  disabledReason?: string;
  /** The row's own address. */
  address: string;
  hosts: ResolvedHost[];
  dns: ResolvedRecord[];
  /** Names knot answers SERVFAIL for (and below), in both zones. */
  servfail: string[];
  unsignedZone?: string;
  bogusDs?: boolean;
  /** addr:port pairs (443, 8448, SRV ports) on this row's addresses where nothing listens. */
  closed: string[];
  expect: Expectation;
}

const fmtAddr = (a: string) => (a.includes(':') ? `[${a}]` : a);
export const hostPort = (a: string, p: number) => `${fmtAddr(a)}:${p}`;

function subst<T>(v: T, ip: string, net: string): T {
  if (typeof v === 'string') {
    return v.replace(/\{ip(?::(\d+))?\}/g, (_m, n: string | undefined) => (n ? `${net}.${n}` : ip)) as T;
  }
  if (Array.isArray(v)) return v.map((x) => subst(x, ip, net)) as T;
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [subst(k, ip, net), subst(x, ip, net)])) as T;
  }
  return v;
}

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'X-Requested-With, Content-Type, Authorization',
};

export interface KeysMaker {
  (serverName: string, variant: NonNullable<Route['keys']>): {
    body: Record<string, unknown>;
    keyId: string;
    publicKey: string;
    signatureValid: boolean;
  };
}

export function resolveScenarios(table: Scenario[], l: Layout, makeKeys: KeysMaker): ResolvedScenario[] {
  const seenIds = new Set<string>();
  const out: ResolvedScenario[] = [];
  for (const row0 of table) {
    if (seenIds.has(row0.id)) throw new Error(`scenario id used twice: ${row0.id}`);
    seenIds.add(row0.id);
    const v6 = row0.addr === 'v6';
    const ip = v6 ? '::1' : `${l.net}.${row0.addr}`;
    const row = subst(row0, ip, l.net);
    const serverName = row.serverName ?? `${row.id}.fed.test`;
    const enabled = !v6 || (l.slot === 0 && l.ipv6);
    const hosts: ResolvedHost[] = row.hosts.map((h, i) => {
      const address = h.addr === undefined ? ip : h.addr === 'v6' ? '::1' : `${l.net}.${h.addr}`;
      const tls = h.tls ?? true;
      const tarpit = h.tarpit ?? false;
      const routes = Object.entries(h.routes ?? {}).map(([path, r]) => resolveRoute(path, r, serverName, makeKeys));
      return {
        id: `${row.id}-${i}`,
        names: h.names,
        address,
        ports: h.ports,
        tls,
        tarpit,
        cert: tls && !tarpit ? { kind: h.cert ?? 'good', names: h.cert === 'wrong-name' ? ['wrong-name.invalid'] : (h.certNames ?? h.names) } : null,
        routes,
        ...(h.hostWithPortStatus !== undefined ? { hostWithPortStatus: h.hostWithPortStatus } : {}),
        ...(h.notary ? { notary: h.notary } : {}),
      };
    });
    shareCertificates(hosts, row.hosts);
    const dns: ResolvedRecord[] = [];
    const addRec = (r: ResolvedRecord) => {
      const same = dns.find((d) => d.name === r.name && d.type === r.type && d.value === r.value);
      if (same) same.zones = [...new Set([...same.zones, ...r.zones])];
      else dns.push(r);
    };
    row.hosts.forEach((h, i) => {
      if (h.dns === false) return;
      const host = hosts[i]!;
      for (const n of host.names) {
        if (isIP(n)) continue;
        addRec({ name: n, type: host.address.includes(':') ? 'AAAA' : 'A', value: host.address, zones: ['a', 'b'] });
      }
    });
    for (const r of row.dns ?? []) addRec({ name: r.name, type: r.type, value: r.value, zones: r.zone ? [r.zone] : ['a', 'b'] });
    out.push({
      id: row.id,
      serverName,
      summary: row.summary,
      spec: row.spec,
      enabled,
      disabledReason: enabled ? undefined : l.ipv6 ? 'IPv6 rows use ::1, which only rig slot 0 owns' : '::1 is not available on this machine',
      address: ip,
      hosts,
      dns,
      servfail: row.servfail ?? [],
      ...(row.unsignedZone ? { unsignedZone: row.unsignedZone, bogusDs: row.bogusDs === true } : {}),
      closed: [],
      expect: row.expect,
    });
  }
  // Closed ports: per row, every candidate port on its addresses that no enabled host (of any row) listens on.
  const listening = new Set<string>();
  for (const s of out) if (s.enabled) for (const h of s.hosts) for (const p of h.ports) listening.add(hostPort(h.address, p));
  const usedAddr = new Map<string, string>();
  for (const s of out) {
    if (!s.enabled) continue;
    const addrs = new Set([s.address, ...s.hosts.map((h) => h.address)]);
    for (const a of addrs) {
      if (a === '::1') continue;
      const owner = usedAddr.get(a);
      if (owner && owner !== s.id) throw new Error(`address ${a} used by both ${owner} and ${s.id}`);
      usedAddr.set(a, s.id);
    }
    const ports = new Set([443, 8448]);
    for (const r of s.dns) if (r.type === 'SRV') {
      const port = Number(r.value.split(/\s+/)[2]);
      if (port > 0) ports.add(port);
    }
    for (const h of s.hosts) for (const p of h.ports) ports.add(p);
    for (const a of addrs) for (const p of [...ports].sort((x, y) => x - y)) {
      const hp = hostPort(a, p);
      if (!listening.has(hp)) s.closed.push(hp);
    }
  }
  return out;
}

/**
 * Fewer leaves (openssl costs ~10 ms each): hosts of one row with the same certificate
 * kind share one certificate for all their names, unless they share a listening socket
 * (same address and port: separate certificates there keep Chromium from pooling one
 * HTTP/2 connection across the names). Rows with `certNames` or wrong-name keep theirs.
 */
function shareCertificates(hosts: ResolvedHost[], specs: Scenario['hosts']) {
  const bins: { kind: CertKind; sockets: Set<string>; members: ResolvedHost[] }[] = [];
  hosts.forEach((h, i) => {
    if (!h.cert || specs[i]!.certNames || h.cert.kind === 'wrong-name') return;
    const socks = h.ports.map((p) => hostPort(h.address, p));
    let bin = bins.find((b) => b.kind === h.cert!.kind && socks.every((x) => !b.sockets.has(x)));
    if (!bin) bins.push((bin = { kind: h.cert.kind, sockets: new Set(), members: [] }));
    socks.forEach((x) => bin.sockets.add(x));
    bin.members.push(h);
  });
  for (const b of bins) {
    const names = [...new Set(b.members.flatMap((m) => m.cert!.names))];
    for (const m of b.members) m.cert!.names = names;
  }
}

function resolveRoute(path: string, r: Route, serverName: string, makeKeys: KeysMaker): ResolvedRoute {
  const base = {
    path,
    contentType: r.contentType ?? 'application/json',
    cors: r.cors ?? true,
    headers: { ...(r.headers ?? {}) },
    methods: { ...(r.methods ?? {}) },
  };
  if (r.redirect !== undefined) return { ...base, status: r.status ?? 301, redirect: r.redirect };
  if (r.hang) return { ...base, status: 0, hang: true };
  if (r.keys) {
    const name = r.keysServerName ?? serverName;
    const k = makeKeys(name, r.keys);
    const body = JSON.stringify(k.body);
    return {
      ...base,
      status: r.status ?? 200,
      body,
      bodyBytes: Buffer.byteLength(body),
      keys: { variant: r.keys, serverName: name, keyId: k.keyId, publicKey: k.publicKey, signatureValid: k.signatureValid },
    };
  }
  const body = r.body ?? (r.json !== undefined ? JSON.stringify(r.json) : '');
  return { ...base, status: r.status ?? 200, body, bodyBytes: Buffer.byteLength(body) };
}

// ---------------------------------------------------------------- DNS

/** Rows' unsigned zones (ResolvedScenario.unsignedZone), each a zone of its own in both knots. */
export const unsignedZones = (scenarios: ResolvedScenario[]) => scenarios.filter((s) => s.enabled && s.unsignedZone).map((s) => s.unsignedZone!);

const within = (name: string, zone: string) => name === zone || name.endsWith(`.${zone}`);

/** `origin` fed.test (less the unsigned zones, which it delegates) or one of the unsigned zones. */
export function zoneFile(scenarios: ResolvedScenario[], zone: 'a' | 'b', l: Layout, origin = 'fed.test'): string {
  const children = unsignedZones(scenarios).filter((child) => child !== origin);
  const lines = [
    `$ORIGIN ${origin}.`,
    '$TTL 300',
    `@ IN SOA ns.fed.test. hostmaster.fed.test. ${Math.floor(Date.now() / 1000)} 3600 600 86400 60`,
    '@ IN NS ns.fed.test.',
  ];
  if (origin === 'fed.test') {
    lines.push('ns IN A 127.0.0.1', ...children.map((child) => `${child}. IN NS ns.fed.test.`));
    // A DS digest no key of the (unsigned) child has: the chain of trust breaks there.
    const bogus = scenarios.filter((s) => s.enabled && s.unsignedZone && s.bogusDs).map((s) => s.unsignedZone!);
    lines.push(...bogus.map((child) => `${child}. IN DS 4242 13 2 ${'5a'.repeat(32)}`));
    for (const [name, octet] of Object.entries(infraHosts)) lines.push(`${name}. IN A ${l.infraNet}.${octet}`);
    if (l.ipv6) lines.push(`${identityNames.v6}. IN AAAA ::1`);
  }
  const abs = (n: string) => (n === '.' || n.endsWith('.') ? n : `${n}.`);
  const belongs = (name: string) => (origin === 'fed.test' ? !children.some((child) => within(name, child)) : within(name, origin));
  for (const s of scenarios) {
    if (!s.enabled) continue;
    lines.push(`; ${s.id}`);
    for (const r of s.dns) {
      if (!r.zones.includes(zone) || !belongs(r.name)) continue;
      let value = r.value;
      if (r.type === 'CNAME') value = abs(value);
      if (r.type === 'SRV') {
        const parts = value.split(/\s+/);
        parts[3] = abs(parts[3]!);
        value = parts.join(' ');
      }
      if (r.type === 'TXT') value = JSON.stringify(value);
      lines.push(`${abs(r.name)} 300 IN ${r.type} ${value}`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * `servfailZones`: extra zones whose files are never written, so knot fails to load them
 * and answers SERVFAIL for every name at or below them.
 */
export function knotConf(dir: string, port: number, zoneDir: string, servfailZones: string[], unsigned: string[], signFedTest: boolean): string {
  return `server:
  listen: 127.0.0.1@${port}
  rundir: "${dir}"
  background-workers: 1
  udp-workers: 1
  tcp-workers: 1
log:
  - target: stderr
    any: warning
database:
  storage: "${dir}/db"
template:
  - id: default
    storage: "${zoneDir}"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
policy:
  - id: rig
    algorithm: ecdsap256sha256
    nsec3: off
zone:
  - domain: fed.test
${signFedTest ? '    dnssec-signing: on\n    dnssec-policy: rig\n' : ''}${[...servfailZones, ...unsigned].map((domain) => `  - domain: ${domain}\n`).join('')}`;
}

/** unbound validating for fed.test with its key as the trust anchor, asking knot a. */
export function unboundConf(dir: string, l: Layout, trustAnchorFile: string): string {
  return `server:
  interface: 127.0.0.1
  port: ${l.dnsValidating}
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "${dir}"
  pidfile: ""
  use-syslog: no
  logfile: ""
  verbosity: 1
  do-not-query-localhost: no
  do-ip6: no
  module-config: "validator iterator"
  trust-anchor-file: "${trustAnchorFile}"
  local-zone: "test." nodefault
  qname-minimisation: no
  cache-max-ttl: 0
  cache-max-negative-ttl: 0
stub-zone:
  name: "fed.test"
  stub-addr: 127.0.0.1@${l.knotA}
`;
}

// ---------------------------------------------------------------- nginx

function nginxString(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '${dollar}') + '"';
}

export function nginxConf(scenarios: ResolvedScenario[], l: Layout, bodyFile: (host: ResolvedHost, i: number) => string): string {
  const d = l.runDir;
  const out: string[] = [
    'daemon off;',
    'master_process off;',
    'worker_processes 1;',
    `pid ${join(d, 'nginx.pid')};`,
    `error_log ${join(d, 'logs', 'nginx-error.log')} warn;`,
    'worker_rlimit_nofile 8192;',
    'events { worker_connections 4096; }',
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${join(d, 'nginx-tmp', 'body')};`,
    `  proxy_temp_path ${join(d, 'nginx-tmp', 'proxy')};`,
    `  fastcgi_temp_path ${join(d, 'nginx-tmp', 'fastcgi')};`,
    `  uwsgi_temp_path ${join(d, 'nginx-tmp', 'uwsgi')};`,
    `  scgi_temp_path ${join(d, 'nginx-tmp', 'scgi')};`,
    '  types {}',
    '  default_type application/octet-stream;',
    '  server_tokens off;',
    '  absolute_redirect off;',
    '  ssl_protocols TLSv1.2 TLSv1.3;',
    '  ssl_session_cache off;',
    '  server_names_hash_bucket_size 128;',
    '  geo $dollar { default "$"; }',
  ];
  const cors = (on: boolean) => (on ? Object.entries(CORS_HEADERS).map(([k, v]) => `add_header ${k} ${nginxString(v)} always;`) : []);
  // Default server per listen socket: prefer IP-literal hosts (no SNI), else the first one.
  const defaults = new Map<string, string>();
  const hosts = scenarios.filter((s) => s.enabled).flatMap((s) => s.hosts).filter((h) => !h.tarpit && !h.notary);
  for (const h of [...hosts].sort((a, b) => Number(b.names.some((n) => isIP(n))) - Number(a.names.some((n) => isIP(n))))) {
    for (const p of h.ports) {
      const k = hostPort(h.address, p);
      if (!defaults.has(k)) defaults.set(k, h.id);
    }
  }
  for (const h of hosts) {
    out.push(`  server { # ${h.id}`);
    for (const p of h.ports) {
      const k = hostPort(h.address, p);
      const flags = [h.tls ? 'ssl http2' : '', defaults.get(k) === h.id ? 'default_server' : ''].filter(Boolean).join(' ');
      out.push(`    listen ${hostPort(h.address, innerPort(l, p))}${flags ? ' ' + flags : ''};`);
    }
    out.push(`    server_name ${h.names.map((n) => (isIP(n) ? (n.includes(':') ? `"[${n}]"` : n) : n)).join(' ')};`);
    if (h.tls && h.cert) {
      out.push(`    ssl_certificate ${h.cert.chainFile};`, `    ssl_certificate_key ${h.cert.keyFile};`);
    }
    if (h.hostWithPortStatus !== undefined) out.push(`    if ($http_host ~ ":[0-9]+$") { return ${h.hostWithPortStatus}; }`);
    const locations = [...h.routes];
    if (!locations.some((r) => r.path === '/')) {
      locations.push({ path: '/', status: 404, contentType: 'application/json', cors: true, headers: {}, methods: {}, body: '{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}' });
    }
    locations.forEach((r, i) => {
      out.push(`    location ${r.path === '/' ? '' : '= '}${r.path} {`);
      out.push(`      default_type ${r.contentType};`);
      const hdrs = [...cors(r.cors), ...Object.entries(r.headers).map(([k, v]) => `add_header ${k} ${nginxString(v)} always;`)];
      for (const [method, answer] of Object.entries(r.methods)) {
        out.push(`      if ($request_method = ${method}) { ${hdrs.join(' ')} return ${answer.status} ${nginxString(answer.body ?? '')}; }`);
      }
      if (r.cors && !r.methods.OPTIONS) out.push(`      if ($request_method = OPTIONS) { ${hdrs.join(' ')} return 204; }`);
      for (const x of hdrs) out.push(`      ${x}`);
      if (r.hang) out.push(`      proxy_pass http://127.0.0.1:${l.dnsBlackhole};`, '      proxy_read_timeout 600s;');
      else if (r.redirect !== undefined) out.push(`      return ${r.status} ${nginxString(r.redirect)};`);
      else if (r.status === 200) out.push(`      alias ${bodyFile(h, i)};`);
      else out.push(`      return ${r.status} ${nginxString(r.body ?? '')};`);
      out.push('    }');
    });
    out.push('  }');
  }
  out.push('}');
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------- dnsdist

export function dnsdistConf(l: Layout, chainFile: string, keyFile: string): string {
  return `setSecurityPollSuffix('')
setLocal('127.0.0.1:${l.dnsdistPlain}')
newServer({address='127.0.0.1:${l.knotA}', name='knot-a', checkName='fed.test.', checkInterval=3600})
addDOHLocal('${l.infraNet}.${infraHosts['doh.fed.test']}:${innerPort(l, 443)}', '${chainFile}', '${keyFile}', '/dns-query', {customResponseHeaders={['access-control-allow-origin']='*', ['access-control-allow-methods']='GET, POST, OPTIONS', ['access-control-allow-headers']='content-type, accept'}})
`;
}

// ---------------------------------------------------------------- Chromium

/** `--host-resolver-rules` for Chromium: every rig name to its (zone a) address, nothing else. */
export function hostMap(scenarios: ResolvedScenario[], l: Layout): Record<string, string[]> {
  const recs = scenarios.filter((s) => s.enabled).flatMap((s) => s.dns).filter((r) => r.zones.includes('a'));
  const map: Record<string, string[]> = {};
  for (const [name, octet] of Object.entries(infraHosts)) map[name] = [`${l.infraNet}.${octet}`];
  const addrOf = (name: string, depth = 0): string[] => {
    if (depth > 8) return [];
    const direct = recs.filter((r) => r.name === name && (r.type === 'A' || r.type === 'AAAA')).map((r) => r.value);
    if (direct.length) return direct;
    const cname = recs.find((r) => r.name === name && r.type === 'CNAME');
    return cname ? addrOf(cname.value.replace(/\.$/, ''), depth + 1) : [];
  };
  for (const r of recs) {
    if (r.type === 'SRV' || r.type === 'TXT' || map[r.name]) continue;
    const a = addrOf(r.name);
    if (a.length) map[r.name] = a;
  }
  return map;
}

export function hostResolverRules(map: Record<string, string[]>): string {
  const rules = Object.entries(map).map(([n, a]) => `MAP ${n} ${a[0]!.includes(':') ? `[${a[0]}]` : a[0]}`);
  return [...rules, 'MAP * ~NOTFOUND', 'EXCLUDE localhost', 'EXCLUDE 127.*'].join(', ');
}
