import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { dohClient, fanoutDns } from '../../../src/adapters/browser/doh.ts';
import { parseResolver, DEFAULT_RESOLVERS, type DohResolver } from '../../../src/adapters/browser/resolvers.ts';
import type { DnsClient, DnsResult } from '../../../src/checker/interfaces.ts';

const recorded = (file: string) => readFileSync(new URL(`recorded/${file}`, import.meta.url), 'utf8').trim();

/** A fetch that answers every request with one recorded body and remembers what it was asked. */
function recordedFetch(body: string | Uint8Array, init: ResponseInit = { status: 200 }) {
  const calls: { url: string; headers: Headers }[] = [];
  const fetch = async (input: RequestInfo | URL, request?: RequestInit) => {
    calls.push({ url: String(input), headers: new Headers(request?.headers) });
    return new Response(body as BodyInit, init);
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

const json: DohResolver = { url: 'https://dns.google/resolve', format: 'json' };
const wire: DohResolver = { url: 'https://doh.example/dns-query', format: 'wire' };

describe('parseResolver', () => {
  it('tells the JSON API from RFC 8484 by the URL, unless told', () => {
    expect(parseResolver('https://dns.google/resolve')).toEqual({ ok: true, resolver: json });
    expect(parseResolver('https://cloudflare-dns.com/dns-query?ct=application/dns-json')).toMatchObject({ resolver: { format: 'json' } });
    expect(parseResolver(' https://doh.example/dns-query ')).toEqual({ ok: true, resolver: wire });
    expect(parseResolver('https://doh.example/dns-query', 'json')).toMatchObject({ resolver: { format: 'json' } });
  });

  it('says what is wrong with a bad URL, for the page to word in its language', () => {
    expect(parseResolver('dns.google')).toEqual({ ok: false, problem: 'resolverNotUrl' });
    expect(parseResolver('http://dns.google/resolve')).toEqual({ ok: false, problem: 'resolverNotHttps' });
  });

  it('defaults to the JSON APIs of Cloudflare and Google', () => {
    expect(DEFAULT_RESOLVERS.map((resolver) => resolver.format)).toEqual(['json', 'json']);
  });
});

describe('dohClient, JSON API', () => {
  it('asks with ?name=&type= and accept: application/dns-json', async () => {
    const { fetch, calls } = recordedFetch(recorded('google-srv.json'));
    await dohClient(json, { fetch }).query('_matrix-fed._tcp.example.org', 'SRV');
    const url = new URL(calls[0].url);
    expect([url.searchParams.get('name'), url.searchParams.get('type')]).toEqual(['_matrix-fed._tcp.example.org', 'SRV']);
    expect(calls[0].headers.get('accept')).toBe('application/dns-json');
  });

  it('keeps ct= on a Cloudflare JSON URL', async () => {
    const { fetch, calls } = recordedFetch(recorded('google-srv.json'));
    const resolver = { url: 'https://cloudflare-dns.com/dns-query?ct=application/dns-json', format: 'json' as const };
    await dohClient(resolver, { fetch }).query('example.org', 'A');
    expect(new URL(calls[0].url).searchParams.get('ct')).toBe('application/dns-json');
  });

  it('decodes recorded SRV answers, skipping RRSIGs', async () => {
    const { fetch } = recordedFetch(recorded('google-srv.json'));
    expect(await dohClient(json, { fetch }).query('_matrix-fed._tcp.example.org', 'SRV')).toEqual({
      rcode: 'NOERROR',
      authenticated: false,
      resolver: json.url,
      answers: [
        { name: '_matrix-fed._tcp.example.org', type: 'SRV', ttl: 3600, data: { priority: 10, weight: 5, port: 8448, target: 'matrix.example.org' } },
      ],
    });
  });

  it('keeps a CNAME chain, normalises IPv6 and reads the AD bit', async () => {
    const { fetch } = recordedFetch(recorded('cloudflare-cname-aaaa.json'));
    const result = await dohClient(json, { fetch }).query('matrix.example.org', 'AAAA');
    expect(result.authenticated).toBe(true);
    expect(result.answers.map((answer) => answer.data)).toEqual(['host.example.net', '2001:db8::1']);
  });

  it('tells NXDOMAIN from SERVFAIL', async () => {
    const nx = await dohClient(json, recordedFetch(recorded('google-nxdomain.json'))).query('x.example.org', 'SRV');
    const servfail = await dohClient(json, recordedFetch(recorded('cloudflare-servfail.json'))).query('dnssec-failed.org', 'A');
    expect([nx.rcode, servfail.rcode]).toEqual(['NXDOMAIN', 'SERVFAIL']);
    expect(nx.answers).toEqual([]);
  });
});

describe('dohClient, RFC 8484', () => {
  it('sends the query base64url-encoded in ?dns= with accept: application/dns-message', async () => {
    const { fetch, calls } = recordedFetch(Buffer.from(recorded('knot-srv.hex'), 'hex'));
    const result = await dohClient(wire, { fetch }).query('_matrix-fed._tcp.example.org', 'SRV');
    expect(calls[0].headers.get('accept')).toBe('application/dns-message');
    expect(new URL(calls[0].url).searchParams.get('dns')).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(result).toMatchObject({ rcode: 'NOERROR', resolver: wire.url });
    expect(result.answers).toHaveLength(2);
  });

  it('reports NXDOMAIN as an answer', async () => {
    const { fetch } = recordedFetch(Buffer.from(recorded('knot-nxdomain.hex'), 'hex'));
    expect(await dohClient(wire, { fetch }).query('nothere.example.org', 'A')).toMatchObject({ rcode: 'NXDOMAIN', answers: [] });
  });
});

describe('dohClient failures', () => {
  it('reports an HTTP error from the resolver as ERROR', async () => {
    const { fetch } = recordedFetch('bad request', { status: 400 });
    expect(await dohClient(wire, { fetch }).query('example.org', 'A')).toMatchObject({ rcode: 'ERROR', error: expect.stringContaining('HTTP 400') });
  });

  it('reports an unreadable answer and an unreachable resolver as ERROR', async () => {
    expect(await dohClient(json, recordedFetch('<html>')).query('example.org', 'A')).toMatchObject({ rcode: 'ERROR' });
    const refused = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await dohClient(json, { fetch: refused }).query('example.org', 'A')).toMatchObject({
      rcode: 'ERROR',
      error: expect.stringContaining('Failed to fetch'),
    });
  });

  it('gives up after the timeout with TIMEOUT', async () => {
    const hanging = ((_: unknown, init: RequestInit) =>
      new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))) as typeof fetch;
    expect(await dohClient(json, { fetch: hanging, timeoutMs: 20 }).query('example.org', 'A')).toMatchObject({
      rcode: 'TIMEOUT',
      error: 'no answer within 0.02 s',
    });
  });

  it('passes a caller abort on instead of calling it a timeout', async () => {
    const hanging = ((_: unknown, init: RequestInit) =>
      new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))) as typeof fetch;
    const controller = new AbortController();
    const pending = dohClient(json, { fetch: hanging }).query('example.org', 'A', { signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toThrow('cancelled');
  });
});

describe('fanoutDns', () => {
  const answer = (resolver: string, address: string | null, rcode: DnsResult['rcode'] = 'NOERROR'): DnsClient => ({
    query: async () => ({
      rcode,
      resolver,
      authenticated: false,
      answers: address ? [{ name: 'example.org', type: 'A', ttl: 60, data: address }] : [],
    }),
  });

  it('answers with the majority and keeps every view', async () => {
    const result = await fanoutDns([answer('a', '192.0.2.1'), answer('b', '192.0.2.2'), answer('c', '192.0.2.2')]).query('example.org', 'A');
    expect(result.resolver).toBe('b');
    expect(result.views?.map((view) => view.resolver)).toEqual(['a', 'b', 'c']);
  });

  it('breaks a tie in favour of the resolver listed first', async () => {
    const result = await fanoutDns([answer('a', '192.0.2.1'), answer('b', null, 'NXDOMAIN')]).query('example.org', 'A');
    expect(result).toMatchObject({ resolver: 'a', rcode: 'NOERROR' });
  });

  it('does not let a timeout outvote an answer, but reports it when nobody answered', async () => {
    const some = await fanoutDns([answer('a', null, 'TIMEOUT'), answer('b', '192.0.2.1')]).query('example.org', 'A');
    expect(some).toMatchObject({ resolver: 'b', rcode: 'NOERROR' });
    const none = await fanoutDns([answer('a', null, 'TIMEOUT'), answer('b', null, 'ERROR')]).query('example.org', 'A');
    expect(none).toMatchObject({ resolver: 'a', rcode: 'TIMEOUT' });
  });

  it('counts SERVFAIL as a view that differs from NXDOMAIN', async () => {
    const result = await fanoutDns([answer('a', null, 'SERVFAIL'), answer('b', null, 'NXDOMAIN'), answer('c', null, 'NXDOMAIN')]).query('x', 'A');
    expect(result.rcode).toBe('NXDOMAIN');
  });
});
