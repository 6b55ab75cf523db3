import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeDnsClient } from '../../../src/adapters/node/dns.ts';
import { startFakeDns, type FakeDnsServer } from './support/dns-server.ts';

let server: FakeDnsServer;

beforeAll(async () => {
  server = await startFakeDns({
    'matrix.test': {
      records: [
        { type: 'A', data: '203.0.113.10', ttl: 120 },
        { type: 'A', data: '203.0.113.11', ttl: 120 },
        { type: 'AAAA', data: '2001:db8::10', ttl: 60 },
      ],
    },
    'www.matrix.test': { records: [{ type: 'CNAME', data: 'edge.matrix.test' }] },
    'edge.matrix.test': { records: [{ type: 'CNAME', data: 'Matrix.test.' }] },
    'loop-a.test': { records: [{ type: 'CNAME', data: 'loop-b.test' }] },
    'loop-b.test': { records: [{ type: 'CNAME', data: 'loop-a.test' }] },
    '_matrix-fed._tcp.matrix.test': {
      records: [
        { type: 'SRV', data: { priority: 10, weight: 5, port: 8448, target: 'Fed.Matrix.test' } },
        { type: 'SRV', data: { priority: 20, weight: 0, port: 443, target: 'backup.matrix.test' } },
      ],
    },
    '_matrix-fed._tcp.disabled.test': { records: [{ type: 'SRV', data: { priority: 0, weight: 0, port: 0, target: '.' } }] },
    'v4only.test': { records: [{ type: 'A', data: '203.0.113.12' }] },
    'signed.test': { records: [{ type: 'A', data: '203.0.113.13' }], validated: true },
    'servfail.test': { rcode: 'SERVFAIL' },
    'refused.test': { rcode: 'REFUSED' },
    'silent.test': { drop: true },
  });
});
afterAll(() => server.close());

const client = () => createNodeDnsClient({ servers: [server.address], attemptTimeoutMs: 300, attempts: 1 });

describe('node:dns DnsClient', () => {
  it('reports the resolver\'s AD flag, from the same question asked with the DO bit', async () => {
    expect(await client().query('signed.test', 'A')).toMatchObject({ rcode: 'NOERROR', authenticated: true, answers: [{ data: '203.0.113.13' }] });
    expect((await client().query('v4only.test', 'A')).authenticated).toBe(false);
  });

  it('answers A and AAAA with TTLs and names the resolver', async () => {
    const a = await client().query('Matrix.Test.', 'A');
    expect(a).toEqual({
      rcode: 'NOERROR',
      authenticated: false,
      resolver: server.address,
      answers: [
        { name: 'matrix.test', type: 'A', ttl: 120, data: '203.0.113.10' },
        { name: 'matrix.test', type: 'A', ttl: 120, data: '203.0.113.11' },
      ],
    });
    const aaaa = await client().query('matrix.test', 'AAAA');
    expect(aaaa.answers).toEqual([{ name: 'matrix.test', type: 'AAAA', ttl: 60, data: '2001:db8::10' }]);
  });

  it('includes the CNAME chain before the addresses, owners lower case without the dot', async () => {
    const result = await client().query('www.matrix.test', 'A');
    expect(result.answers).toEqual([
      { name: 'www.matrix.test', type: 'CNAME', ttl: 0, data: 'edge.matrix.test' },
      { name: 'edge.matrix.test', type: 'CNAME', ttl: 0, data: 'matrix.test' },
      { name: 'matrix.test', type: 'A', ttl: 120, data: '203.0.113.10' },
      { name: 'matrix.test', type: 'A', ttl: 120, data: '203.0.113.11' },
    ]);
  });

  it('answers a CNAME question with the first hop only', async () => {
    const result = await client().query('www.matrix.test', 'CNAME');
    expect(result.answers).toEqual([{ name: 'www.matrix.test', type: 'CNAME', ttl: 0, data: 'edge.matrix.test' }]);
  });

  it('stops a CNAME loop instead of following it forever', async () => {
    const result = await client().query('loop-a.test', 'A');
    expect(result.answers.filter((a) => a.type === 'A')).toEqual([]);
    expect(result.answers.length).toBeLessThanOrEqual(8);
    expect(server.queries.filter((q) => q.type === 'CNAME' && q.name.startsWith('loop-')).length).toBeLessThanOrEqual(9);
  });

  it('answers SRV with lower-case targets, and "." for "service not available"', async () => {
    const srv = await client().query('_matrix-fed._tcp.matrix.test', 'SRV');
    expect(srv.answers.map((a) => a.data)).toEqual([
      { priority: 10, weight: 5, port: 8448, target: 'fed.matrix.test' },
      { priority: 20, weight: 0, port: 443, target: 'backup.matrix.test' },
    ]);
    const disabled = await client().query('_matrix-fed._tcp.disabled.test', 'SRV');
    expect(disabled.answers.map((a) => a.data)).toEqual([{ priority: 0, weight: 0, port: 0, target: '.' }]);
  });

  it('returns NXDOMAIN and NODATA as answers', async () => {
    expect(await client().query('missing.test', 'A')).toMatchObject({ rcode: 'NXDOMAIN', answers: [] });
    const nodata = await client().query('_matrix-fed._tcp.www.matrix.test', 'SRV');
    expect(nodata.rcode).toBe('NXDOMAIN');
    expect(await client().query('v4only.test', 'AAAA')).toMatchObject({ rcode: 'NOERROR', answers: [] });
  });

  it('keeps SERVFAIL, REFUSED and TIMEOUT distinct from NXDOMAIN', async () => {
    expect(await client().query('servfail.test', 'A')).toMatchObject({ rcode: 'SERVFAIL', answers: [] });
    expect(await client().query('refused.test', 'SRV')).toMatchObject({ rcode: 'REFUSED', answers: [] });
    const silent = await client().query('silent.test', 'A');
    expect(silent).toMatchObject({ rcode: 'TIMEOUT', answers: [] });
    expect(silent.error).toMatch(/ETIMEOUT/);
  });

  it('reports an unreachable resolver as ERROR with the cause', async () => {
    const nobody = createNodeDnsClient({ servers: ['127.0.0.1:1'], attemptTimeoutMs: 300, attempts: 1 });
    const result = await nobody.query('matrix.test', 'A');
    expect(result.rcode).toBe('ERROR');
    expect(result.error).toMatch(/ECONNREFUSED/);
  });

  it('gives up at the caller’s deadline: TIMEOUT for a timeout signal, promptly', async () => {
    const slow = createNodeDnsClient({ servers: [server.address], attemptTimeoutMs: 5000, attempts: 1 });
    const started = Date.now();
    const result = await slow.query('silent.test', 'A', { signal: AbortSignal.timeout(150) });
    expect(result).toMatchObject({ rcode: 'TIMEOUT', error: 'query cancelled' });
    expect(Date.now() - started).toBeLessThan(1000);
    const aborted = new AbortController();
    aborted.abort();
    expect(await slow.query('matrix.test', 'A', { signal: aborted.signal })).toMatchObject({ rcode: 'ERROR' });
  });

  it('shares a resolver among the questions of one signal (a report), and an abort stops only that signal’s', async () => {
    const dns = createNodeDnsClient({ servers: [server.address], attemptTimeoutMs: 2000, attempts: 1 });
    const report = new AbortController();
    const other = new AbortController();
    expect(await dns.query('www.matrix.test', 'A', { signal: report.signal })).toMatchObject({ rcode: 'NOERROR', answers: [{ type: 'CNAME' }, { type: 'CNAME' }, { type: 'A' }, { type: 'A' }] });
    const stuck = dns.query('silent.test', 'A', { signal: report.signal });
    const answered = dns.query('matrix.test', 'A', { signal: other.signal });
    report.abort();
    expect(await stuck).toMatchObject({ rcode: 'ERROR', error: 'query cancelled' });
    expect(await answered).toMatchObject({ rcode: 'NOERROR', answers: [{ data: '203.0.113.10' }, { data: '203.0.113.11' }] });
  });

  it('answers a question asked again within one report from its first answer; another report asks the server', async () => {
    const dns = createNodeDnsClient({ servers: [server.address], attemptTimeoutMs: 2000, attempts: 1 });
    const asked = () => server.queries.filter((q) => q.type === 'A' && q.name === 'matrix.test').length;
    const report = new AbortController();
    const before = asked();
    const first = await dns.query('matrix.test', 'A', { signal: report.signal });
    const onceAsked = asked() - before;
    // Once by c-ares and once with the DO bit for the AD flag.
    expect(onceAsked).toBe(2);
    const again = await dns.query('Matrix.Test.', 'A', { signal: report.signal });
    expect(again).toEqual(first);
    expect(asked() - before).toBe(onceAsked);
    await dns.query('matrix.test', 'A', { signal: new AbortController().signal });
    expect(asked() - before).toBe(2 * onceAsked);
  });

  it('follows a CNAME chain once for the A and AAAA questions of one report', async () => {
    const dns = createNodeDnsClient({ servers: [server.address], attemptTimeoutMs: 2000, attempts: 1 });
    const report = new AbortController();
    const hops = () => server.queries.filter((q) => q.type === 'CNAME' && q.name.endsWith('matrix.test')).length;
    const before = hops();
    const [a, aaaa] = await Promise.all([dns.query('www.matrix.test', 'A', { signal: report.signal }), dns.query('www.matrix.test', 'AAAA', { signal: report.signal })]);
    const chain = [{ type: 'CNAME', data: 'edge.matrix.test' }, { type: 'CNAME', data: 'matrix.test' }];
    expect(a.answers).toMatchObject([...chain, { type: 'A' }, { type: 'A' }]);
    expect(aaaa.answers).toMatchObject([...chain, { type: 'AAAA', data: '2001:db8::10' }]);
    // www → edge → matrix.test (NODATA ends the chain): three CNAME questions, not six.
    expect(hops() - before).toBe(3);
  });

});
