// The browser DoH adapter against the rig's real DoH servers: dnsdist (RFC 8484) and the
// rig's JSON API, over HTTPS with the rig CA. Node has no host-resolver rules, so the
// fetch given to the adapter resolves rig names from the rig's own host table.
import { describe, it, expect, inject } from 'vitest';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import { dohClient, fanoutDns } from '../../src/adapters/browser/doh.ts';
import { parseResolver, type DohResolver } from '../../src/adapters/browser/resolvers.ts';

const rig = inject('rig');
const ca = readFileSync(rig.ca.root);

const lookup: LookupFunction = (hostname, options, callback) => {
  const address = rig.hosts[hostname]?.[0];
  if (!address) return callback(Object.assign(new Error(`${hostname} is not a rig name`), { code: 'ENOTFOUND' }), '', 4);
  if (options.all) return (callback as unknown as (e: null, all: { address: string; family: number }[]) => void)(null, [{ address, family: 4 }]);
  callback(null, address, 4);
};

/** fetch over node:https, resolving rig names itself and trusting the rig CA. */
const rigFetch = ((input: RequestInfo | URL, init: RequestInit = {}) =>
  new Promise<Response>((resolve, reject) => {
    const outgoing = request(
      new URL(String(input)),
      { headers: Object.fromEntries(new Headers(init.headers)), ca, lookup, signal: init.signal ?? undefined },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: incoming.statusCode })));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  })) as typeof fetch;

const resolver = (url: string): DohResolver => {
  const parsed = parseResolver(url);
  if (!parsed.ok) throw new Error(`${url}: ${parsed.problem}`);
  return parsed.resolver;
};
const scenarioAddress = (id: string) => rig.scenarios.find((row) => row.id === id)!.address;

describe.each([
  ['RFC 8484 (dnsdist)', () => resolver(rig.doh.wire), 'wire'],
  ['JSON API', () => resolver(rig.doh.json), 'json'],
  ['RFC 8484 (rig helper)', () => resolver(rig.doh.altWire), 'wire'],
])('DoH against the rig, %s', (_name, makeResolver, format) => {
  const client = () => dohClient(makeResolver(), { fetch: rigFetch });

  it(`is read as the ${format} format`, () => {
    expect(makeResolver().format).toBe(format);
  });

  it('answers SRV records', async () => {
    const result = await client().query('_matrix-fed._tcp.matrix.wk-srv.fed.test', 'SRV');
    expect(result).toMatchObject({ rcode: 'NOERROR', resolver: makeResolver().url });
    expect(result.answers.map((answer) => answer.data)).toEqual([{ priority: 10, weight: 5, port: 8450, target: 'target.wk-srv.fed.test' }]);
  });

  it('follows a CNAME to the address', async () => {
    const result = await client().query('cname.fed.test', 'A');
    expect(result.answers.map((answer) => [answer.type, answer.data])).toEqual([
      ['CNAME', 'real.cname.fed.test'],
      ['A', scenarioAddress('cname')],
    ]);
  });

  it('says NXDOMAIN for a name that does not exist, and NODATA for a missing type', async () => {
    expect(await client().query('nxdomain.fed.test', 'A')).toMatchObject({ rcode: 'NXDOMAIN', answers: [] });
    expect(await client().query('refused.fed.test', 'SRV')).toMatchObject({ rcode: 'NOERROR', answers: [] });
  });

  it('says SERVFAIL where the zone failed to load, while the name itself resolves', async () => {
    const row = rig.scenarios.find((candidate) => candidate.id === 'srv-servfail')!;
    expect(await client().query(row.servfail[0]!, 'SRV')).toMatchObject({ rcode: 'SERVFAIL', answers: [] });
    expect((await client().query(row.serverName, 'A')).answers.map((answer) => answer.data)).toEqual([row.address]);
  });
});

describe('fan-out across the rig\'s resolvers', () => {
  it('reports both views when zone a and zone b disagree', async () => {
    const dns = fanoutDns([resolver(rig.doh.json), resolver(rig.doh.altJson)].map((entry) => dohClient(entry, { fetch: rigFetch })));
    const result = await dns.query('split-dns.fed.test', 'A');
    expect(result.views?.map((view) => view.answers.map((answer) => answer.data))).toEqual([
      [scenarioAddress('split-dns')],
      [expect.not.stringMatching(`^${scenarioAddress('split-dns')}$`)],
    ]);
    expect(result.resolver).toBe(rig.doh.json);
  });
});
