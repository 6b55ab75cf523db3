// The rig's own Node process: JSON (and wire) DoH servers in front of knot, tarpits
// (accept, never answer), a DNS blackhole, and latency forwarders. Started by rig.ts as
// `node tests/rig/helper.ts <config.json>`; prints "ready" once every socket listens.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import * as dnsPacket from '@leichtgewicht/dns-packet';

export interface HelperConfig {
  doh: { name: string; address: string; port: number; chainFile: string; keyFile: string; upstream: { address: string; port: number } }[];
  tarpits: { address: string; port: number }[];
  blackholes: { address: string; port: number }[];
  forwarders: { proto: 'tcp' | 'udp'; address: string; port: number; targetPort: number; delayMs: number }[];
}

const RCODES: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };
const TYPES: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, NAPTR: 35, DS: 43, RRSIG: 46, DNSKEY: 48, HTTPS: 65, CAA: 257 };
const TYPE_NAMES = Object.fromEntries(Object.entries(TYPES).map(([k, v]) => [v, k]));

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, accept',
};

function udpQuery(msg: Uint8Array, upstream: { address: string; port: number }, timeoutMs = 2000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(upstream.address.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error('upstream timeout'));
    }, timeoutMs);
    sock.on('message', (m) => {
      clearTimeout(timer);
      sock.close();
      resolve(m);
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      sock.close();
      reject(e);
    });
    sock.send(msg, upstream.port, upstream.address);
  });
}

const dot = (n: string) => (n.endsWith('.') ? n : `${n}.`);

function rdataText(a: dnsPacket.Answer): string {
  const d = (a as { data: unknown }).data;
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return String(d);
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return dot(String(d));
    case 'SRV': {
      const s = d as { priority: number; weight: number; port: number; target: string };
      return `${s.priority} ${s.weight ?? 0} ${s.port} ${s.target === '.' ? '.' : dot(s.target)}`;
    }
    case 'TXT': {
      const parts = (Array.isArray(d) ? d : [d]) as (Uint8Array | string)[];
      return parts.map((p) => JSON.stringify(typeof p === 'string' ? p : Buffer.from(p).toString('utf8'))).join(' ');
    }
    case 'SOA': {
      const s = d as { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };
      return `${dot(s.mname)} ${dot(s.rname)} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
    }
    default:
      return JSON.stringify(d);
  }
}

function jsonRecord(a: dnsPacket.Answer) {
  return { name: dot(a.name), type: TYPES[a.type] ?? 0, TTL: (a as { ttl?: number }).ttl ?? 0, data: rdataText(a) };
}

function startDoh(cfg: HelperConfig['doh'][number]): Promise<unknown> {
  const server = createSecureServer(
    { cert: readFileSync(cfg.chainFile), key: readFileSync(cfg.keyFile), allowHTTP1: true },
    (req: Http2ServerRequest, res: Http2ServerResponse) => {
      handleDoh(cfg, req, res).catch((e: Error) => {
        if (!res.headersSent) res.writeHead(502, { ...CORS, 'content-type': 'text/plain' });
        res.end(String(e.message));
      });
    },
  );
  server.on('sessionError', () => {});
  server.on('tlsClientError', () => {});
  return listen(server, cfg.address, cfg.port);
}

async function handleDoh(cfg: HelperConfig['doh'][number], req: Http2ServerRequest, res: Http2ServerResponse) {
  const url = new URL(req.url, `https://${cfg.name}`);
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...CORS, 'access-control-max-age': '86400' });
    return res.end();
  }
  if (url.pathname !== '/dns-query' && url.pathname !== '/resolve') {
    res.writeHead(404, { ...CORS, 'content-type': 'text/plain' });
    return res.end('not found');
  }
  // RFC 8484 wire format: GET ?dns=<base64url> or POST application/dns-message.
  let wire: Buffer | undefined;
  if (req.method === 'POST') {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    wire = Buffer.concat(chunks);
  } else if (url.searchParams.has('dns')) {
    wire = Buffer.from(url.searchParams.get('dns')!, 'base64url');
  }
  if (wire) {
    const answer = await udpQuery(wire, cfg.upstream);
    res.writeHead(200, { ...CORS, 'content-type': 'application/dns-message', 'cache-control': 'max-age=0', 'content-length': String(answer.length) });
    return res.end(answer);
  }
  // JSON API (Google /resolve, Cloudflare /dns-query with accept: application/dns-json).
  const name = url.searchParams.get('name');
  if (!name) {
    res.writeHead(400, { ...CORS, 'content-type': 'application/json' });
    return res.end(JSON.stringify({ Status: 1, Comment: 'missing name' }));
  }
  const typeParam = (url.searchParams.get('type') ?? 'A').toUpperCase();
  const type = /^\d+$/.test(typeParam) ? TYPE_NAMES[Number(typeParam)] : typeParam;
  if (!type || !(type in TYPES)) {
    res.writeHead(400, { ...CORS, 'content-type': 'application/json' });
    return res.end(JSON.stringify({ Status: 1, Comment: `unsupported type ${typeParam}` }));
  }
  const q = dnsPacket.encode({
    type: 'query',
    id: Math.floor(Math.random() * 65535),
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: type as 'A', name: name.replace(/\.$/, '') }],
  });
  const r = dnsPacket.decode(await udpQuery(q, cfg.upstream));
  const body: Record<string, unknown> = {
    Status: RCODES[r.rcode as string] ?? 2,
    TC: !!r.flag_tc,
    RD: true,
    RA: !!r.flag_ra,
    AD: !!r.flag_ad,
    CD: !!r.flag_cd,
    Question: [{ name: dot(name), type: TYPES[type] }],
  };
  if (r.answers?.length) body.Answer = r.answers.map(jsonRecord);
  if (r.authorities?.length) body.Authority = r.authorities.map(jsonRecord);
  res.writeHead(200, { ...CORS, 'content-type': 'application/dns-json', 'cache-control': 'max-age=0' });
  res.end(JSON.stringify(body));
}

function listen(server: Server | ReturnType<typeof createSecureServer>, address: string, port: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve(undefined));
  });
}

const held = new Set<Socket>();
function startTarpit(address: string, port: number): Promise<unknown> {
  const server = createServer((sock) => {
    held.add(sock);
    sock.on('error', () => {});
    sock.on('close', () => held.delete(sock));
  });
  return listen(server, address, port);
}

function startUdpBlackhole(address: string, port: number): Promise<unknown> {
  const sock = createSocket(address.includes(':') ? 'udp6' : 'udp4');
  sock.on('message', () => {});
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, address, () => resolve(undefined));
  });
}

function startTcpForwarder(address: string, port: number, targetPort: number, delayMs: number): Promise<unknown> {
  const server = createServer((client) => {
    const up = createConnection({ host: address, port: targetPort });
    // Nagle would hold a small write back until the peer ACKs the previous one (delayed by
    // up to 40 ms on Linux): a cost on every round trip that the rig's delay does not model.
    client.setNoDelay(true);
    up.setNoDelay(true);
    client.pipe(up);
    up.on('data', (chunk) => setTimeout(() => client.writable && client.write(chunk), delayMs));
    up.on('end', () => setTimeout(() => client.end(), delayMs));
    const kill = () => {
      client.destroy();
      up.destroy();
    };
    up.on('error', kill);
    client.on('error', kill);
    client.on('close', () => up.destroy());
  });
  return listen(server, address, port);
}

function startUdpForwarder(address: string, port: number, targetPort: number, delayMs: number): Promise<unknown> {
  const family = address.includes(':') ? 'udp6' : 'udp4';
  const front = createSocket(family);
  const peers = new Map<string, UdpSocket>();
  front.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    let up = peers.get(key);
    if (!up) {
      up = createSocket(family);
      up.on('message', (reply) => setTimeout(() => front.send(reply, rinfo.port, rinfo.address), delayMs));
      up.on('error', () => {});
      peers.set(key, up);
      setTimeout(() => {
        peers.delete(key);
        up!.close();
      }, 30_000).unref();
    }
    up.send(msg, targetPort, address);
  });
  return new Promise((resolve, reject) => {
    front.once('error', reject);
    front.bind(port, address, () => resolve(undefined));
  });
}

async function main() {
  const cfg = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as HelperConfig;
  await Promise.all([
    ...cfg.doh.map(startDoh),
    ...cfg.tarpits.map((t) => startTarpit(t.address, t.port)),
    ...cfg.blackholes.flatMap((b) => [startUdpBlackhole(b.address, b.port), startTarpit(b.address, b.port)]),
    ...cfg.forwarders.map((f) =>
      f.proto === 'tcp' ? startTcpForwarder(f.address, f.port, f.targetPort, f.delayMs) : startUdpForwarder(f.address, f.port, f.targetPort, f.delayMs),
    ),
  ]);
  process.stdout.write('ready\n');
}

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
main().catch((e: Error) => {
  process.stderr.write(`rig helper failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
