// Every configuration snippet in the guides parses and says what the spec requires: JSON, YAML,
// TOML, shell syntax, the CORS headers, the .well-known documents (wherever they appear: JSON
// blocks, nginx `return`, Caddy `respond`, shell `echo | tee`), and every DNS record shown —
// checked by a strict zone-line parser here and, where Knot is installed, by `knotc zone-check`.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import yaml from 'js-yaml';
import { parse as parseToml } from 'smol-toml';
import {
  readGuides,
  isValidServerName,
  isIPv4,
  isIPv6,
  wellKnownKind,
  wellKnownProblems,
  echoedFiles,
  SPEC_CORS,
  type CodeBlock,
  type WellKnownKind,
} from './docs-markdown.ts';

const pages = readGuides();
const blocks = pages.flatMap((page) => page.blocks.map((block) => ({ page, block, where: page.where(block.line) })));
const ofLang = (...langs: string[]) => blocks.filter(({ block }) => langs.includes(block.lang));

describe('code blocks', () => {
  it('all name a language', () => {
    for (const { block, where } of blocks) expect(block.lang, where).toMatch(/^[a-z0-9]+$/);
  });

  it('JSON blocks parse', () => {
    const json = ofLang('json');
    expect(json.length).toBeGreaterThanOrEqual(3);
    for (const { block, where } of json) expect(() => JSON.parse(block.code), where).not.toThrow();
  });

  it('YAML blocks parse', () => {
    const found = ofLang('yaml', 'yml');
    expect(found.length).toBeGreaterThanOrEqual(3);
    for (const { block, where } of found) expect(() => yaml.load(block.code), where).not.toThrow();
  });

  it('TOML blocks parse', () => {
    const found = ofLang('toml');
    expect(found.length).toBeGreaterThanOrEqual(1);
    for (const { block, where } of found) expect(() => parseToml(block.code), where).not.toThrow();
  });

  it('shell blocks are valid shell syntax', () => {
    const found = ofLang('bash', 'sh');
    expect(found.length).toBeGreaterThan(20);
    for (const { block, where } of found) {
      const result = spawnSync(block.lang === 'sh' ? 'sh' : 'bash', ['-n'], { input: block.code, encoding: 'utf8' });
      expect(result.status, `${where}\n${result.stderr}`).toBe(0);
    }
  });

  it('systemd units have the sections and an ExecStart', () => {
    for (const { block, where } of ofLang('ini')) {
      expect(block.code, where).toMatch(/^\[Unit\]$/m);
      expect(block.code, where).toMatch(/^\[Service\]$/m);
      expect(block.code, where).toMatch(/^ExecStart=\/\S+/m);
      for (const line of block.code.split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('['))) {
        expect(line, where).toMatch(/^[A-Za-z]+=\S/);
      }
    }
  });

  it('the CORS headers shown are exactly the ones the spec recommends', () => {
    const http = ofLang('http');
    expect(http.length).toBeGreaterThanOrEqual(1);
    for (const { block, where } of http) {
      const headers = Object.fromEntries(
        block.code.trim().split('\n').map((line) => {
          const [name, ...rest] = line.split(':');
          return [name.trim().toLowerCase(), rest.join(':').trim()];
        }),
      );
      expect(headers, where).toEqual(SPEC_CORS);
    }
    // …and every config that sets them uses the same values.
    for (const { block, where } of ofLang('nginx', 'caddy', 'apache', 'yaml')) {
      for (const [name, value] of Object.entries(SPEC_CORS)) {
        const pattern = new RegExp(`${name}["']?:?\\s+"?([^"\\n;]+)"?`, 'gi');
        for (const m of block.code.matchAll(pattern)) expect(m[1].trim(), `${where} ${name}`).toBe(value);
      }
    }
  });
});

describe('.well-known documents in the guides', () => {
  const documents: Array<{ kind: WellKnownKind; value: unknown; where: string }> = [];
  const add = (kind: string, text: string, where: string) => {
    expect(['server', 'client', 'support'], where).toContain(kind);
    let value: unknown;
    expect(() => (value = JSON.parse(text)), `${where}: ${text}`).not.toThrow();
    documents.push({ kind: kind as WellKnownKind, value, where });
  };
  for (const { block, where } of blocks) {
    if (block.lang === 'json') {
      const value = JSON.parse(block.code);
      const kind = wellKnownKind(value);
      if (kind) documents.push({ kind, value, where });
    }
    for (const m of block.code.matchAll(/location = \/\.well-known\/matrix\/(\w+)\s*\{[^}]*?return 200 '([^']*)';/g)) add(m[1], m[2], where);
    for (const m of block.code.matchAll(/respond \/\.well-known\/matrix\/(\w+) `([^`]*)`/g)) add(m[1], m[2], where);
    for (const { path, content } of echoedFiles(block.code)) {
      const kind = path.match(/\/\.well-known\/matrix\/(\w+)$/)?.[1];
      if (kind) add(kind, content, where);
    }
  }

  it('are found in every form the guides use', () => {
    const count = (kind: WellKnownKind) => documents.filter((d) => d.kind === kind).length;
    // JSON, nginx, Caddy and Apache (echo | tee) for the server and client files.
    expect(count('server')).toBeGreaterThanOrEqual(4);
    expect(count('client')).toBeGreaterThanOrEqual(4);
    expect(count('support')).toBeGreaterThanOrEqual(4);
  });

  it('follow the spec (and name the port in m.server)', () => {
    for (const { kind, value, where } of documents) expect(wellKnownProblems(kind, value), where).toEqual([]);
  });

  it('the homeservers’ own delegation settings hold valid values', () => {
    const config = blocks.filter(({ block }) => /well_known/.test(block.code) && ['yaml', 'toml'].includes(block.lang));
    expect(config.length).toBeGreaterThanOrEqual(2);
    for (const { block, where } of config) {
      const parsed = (block.lang === 'yaml' ? yaml.load(block.code) : parseToml(block.code)) as Record<string, any>;
      const server = parsed.global?.well_known_server_name ?? parsed.global?.well_known?.server;
      const client = parsed.global?.well_known_client_name ?? parsed.global?.well_known?.client;
      expect(wellKnownProblems('server', { 'm.server': server }), where).toEqual([]);
      expect(wellKnownProblems('client', { 'm.homeserver': { base_url: client } }), where).toEqual([]);
    }
  });

  it('the Synapse listener trusts X-Forwarded-For only on loopback and serves federation', () => {
    const synapse = blocks.find(({ block }) => block.lang === 'yaml' && /^listeners:/m.test(block.code));
    expect(synapse).toBeDefined();
    const config = yaml.load(synapse!.block.code) as { server_name: string; listeners: any[] };
    expect(isValidServerName(config.server_name)).toBe(true);
    const listener = config.listeners[0];
    expect(listener.x_forwarded).toBe(true);
    expect(listener.bind_addresses.every((a: string) => a === '127.0.0.1' || a === '::1')).toBe(true);
    expect(listener.resources[0].names).toEqual(expect.arrayContaining(['client', 'federation']));
  });
});

// ---------------------------------------------------------------------------------------------
// DNS records

interface ZoneRecord {
  owner: string;
  ttl: number;
  type: 'A' | 'AAAA' | 'SRV' | 'CNAME';
  data: string[];
  line: string;
}

const FQDN = /^(?:(?!-)[A-Za-z0-9_-]{1,63}(?<!-)\.)+$/;

/** A strict parser for the zone-file lines the guides show: owner TTL IN TYPE RDATA, absolute names. */
function parseZoneLine(line: string): ZoneRecord {
  const fields = line.trim().split(/\s+/);
  if (fields.length < 5) throw new Error(`too few fields: ${line}`);
  const [owner, ttlText, klass, type, ...data] = fields;
  if (!FQDN.test(owner) || owner.length > 254) throw new Error(`owner is not an absolute name: ${owner}`);
  if (!/^\d{1,10}$/.test(ttlText) || Number(ttlText) > 2147483647) throw new Error(`bad TTL: ${ttlText}`);
  if (klass !== 'IN') throw new Error(`class must be IN: ${klass}`);
  const port16 = (text: string) => /^\d{1,5}$/.test(text) && Number(text) <= 65535;
  switch (type) {
    case 'A':
      if (data.length !== 1 || !isIPv4(data[0])) throw new Error(`bad A data: ${data.join(' ')}`);
      break;
    case 'AAAA':
      if (data.length !== 1 || !isIPv6(data[0])) throw new Error(`bad AAAA data: ${data.join(' ')}`);
      break;
    case 'CNAME':
      if (data.length !== 1 || !FQDN.test(data[0])) throw new Error(`bad CNAME target: ${data.join(' ')}`);
      break;
    case 'SRV':
      if (data.length !== 4 || !data.slice(0, 3).every(port16) || !(data[3] === '.' || FQDN.test(data[3]))) {
        throw new Error(`bad SRV data: ${data.join(' ')}`);
      }
      if (!/^_matrix(-fed)?\._tcp\./.test(owner)) throw new Error(`SRV owner is not a Matrix service name: ${owner}`);
      break;
    default:
      throw new Error(`unexpected record type ${type}`);
  }
  return { owner: owner.toLowerCase(), ttl: Number(ttlText), type, data, line } as ZoneRecord;
}

function zoneRecords(block: CodeBlock): ZoneRecord[] {
  return block.code
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith(';'))
    .map(parseZoneLine);
}

describe('DNS records in the guides', () => {
  const dnsBlocks = ofLang('dns');

  it('appear only in dns blocks', () => {
    expect(dnsBlocks.length).toBeGreaterThanOrEqual(5);
    const recordLike = /^\s*\S+\.\s+\d+\s+IN\s+(A|AAAA|SRV|CNAME)\s/m;
    for (const { block, where } of blocks.filter(({ block }) => block.lang !== 'dns')) {
      expect(block.code, where).not.toMatch(recordLike);
    }
  });

  it('parse as strict zone-file lines', () => {
    for (const { block, where } of dnsBlocks) {
      let records: ZoneRecord[] = [];
      expect(() => (records = zoneRecords(block)), where).not.toThrow();
      expect(records.length, where).toBeGreaterThan(0);
    }
  });

  it('follow the SRV and CNAME rules within each example', () => {
    for (const { block, where } of dnsBlocks) {
      const records = zoneRecords(block);
      const aliases = new Set(records.filter((r) => r.type === 'CNAME').map((r) => r.owner));
      for (const r of records) {
        if (r.type === 'SRV') expect(aliases.has(r.data[3].toLowerCase()), `${where}: SRV target is a CNAME`).toBe(false);
        if (aliases.has(r.owner)) expect(r.type, `${where}: data beside a CNAME`).toBe('CNAME');
      }
    }
  });

  it('load into Knot, where knotc is installed', (context) => {
    const knotc = spawnSync('sh', ['-c', 'command -v knotc || ls /usr/sbin/knotc'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
    if (!knotc) context.skip('knotc not installed (apt-get install knot)');
    const dir = mkdtempSync(join(tmpdir(), 'fedcheck-zones-'));
    try {
      mkdirSync(join(dir, 'db'));
      dnsBlocks.forEach(({ block, where }, index) => {
        const zone = `zone${index}`;
        // Each example goes into a root zone of its own, with the SOA and NS a zone needs.
        writeFileSync(
          join(dir, `${zone}.zone`),
          `$TTL 3600\n. IN SOA ns.invalid. hostmaster.invalid. 1 7200 3600 1209600 3600\n. IN NS ns.invalid.\n${block.code.trim()}\n`,
        );
        writeFileSync(
          join(dir, 'knot.conf'),
          `server:\n    rundir: ${dir}\ndatabase:\n    storage: ${join(dir, 'db')}\ntemplate:\n  - id: default\n    storage: ${dir}\nzone:\n  - domain: .\n    file: ${zone}.zone\n`,
        );
        const result = spawnSync(knotc, ['-c', join(dir, 'knot.conf'), 'zone-check', '.'], { encoding: 'utf8' });
        expect(result.status, `${where}\n${result.stdout}${result.stderr}`).toBe(0);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('strict zone-line parser', () => {
  it('rejects what a zone file would reject', () => {
    for (const bad of [
      '_matrix-fed._tcp.example.com 3600 IN SRV 10 5 8448 matrix.example.com.', // relative owner
      '_matrix-fed._tcp.example.com. 3600 IN SRV 10 5 84480 matrix.example.com.', // port
      '_matrix-fed._tcp.example.com. 3600 IN SRV 10 5 8448', // missing target
      'matrix.example.com. 3600 IN A 203.0.113.300',
      'matrix.example.com. 3600 IN AAAA 2001:db8::10::1',
      'matrix.example.com. 3600 IN CNAME host1.hosting.example.net', // relative target
      '# IPv4 (A record)',
      'matrix.example.com. IN A 203.0.113.10', // no TTL in the guides' format
    ]) {
      expect(() => parseZoneLine(bad), bad).toThrow();
    }
    expect(parseZoneLine('_matrix-fed._tcp.example.com. 3600 IN SRV 10 5 8448 matrix.example.com.').type).toBe('SRV');
  });
});

