import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { gzipWhole } from '../../../src/server/compress.ts';

const json = JSON.stringify({ findings: Array.from({ length: 200 }, (_, index) => ({ id: `check.${index}`, status: 'pass' })) });

/** One route behind the middleware, answering `json` with the headers given. */
function app(headers: Record<string, string> = {}, status = 200) {
  const hono = new Hono();
  hono.use('*', gzipWhole());
  hono.get('/', (c) => c.body(json, status as 200, { 'content-type': 'application/json', ...headers }));
  return hono;
}

describe('gzipWhole', () => {
  it('gzips the answer in one piece: declared length, encoding, Vary', async () => {
    const response = await app().request('/', { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
    const body = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('content-encoding')).toBe('gzip');
    // Hono's streaming compress() leaves the length out: a client learns it only at the end.
    expect(response.headers.get('content-length')).toBe(String(body.length));
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    expect(gunzipSync(body).toString()).toBe(json);
  });

  it.each([
    ['no Accept-Encoding', undefined],
    ['gzip refused with q=0', 'gzip;q=0, br'],
    ['only other encodings', 'br, zstd'],
    ['everything but gzip', '*, gzip;q=0'],
  ])('sends it plain with %s, still varying on Accept-Encoding', async (_, accepted) => {
    const response = await app().request('/', { headers: accepted ? { 'accept-encoding': accepted } : {} });
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    expect(await response.text()).toBe(json);
  });

  it('takes * as gzip', async () => {
    const response = await app().request('/', { headers: { 'accept-encoding': '*' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
  });

  it('marks a strong ETag weak, since the bytes changed', async () => {
    const response = await app({ etag: '"v1"' }).request('/', { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('etag')).toBe('W/"v1"');
  });

  it.each([
    ['Cache-Control: no-transform', { 'cache-control': 'public, no-transform' }, 200],
    ['an encoding already', { 'content-encoding': 'identity' }, 200],
    ['a declared length under 1 KB', { 'content-length': '10' }, 200],
    ['a binary type', { 'content-type': 'application/octet-stream' }, 200],
    ['a partial answer', {}, 206],
    ['a streamed body', { 'transfer-encoding': 'chunked' }, 200],
  ])('leaves an answer with %s as it is', async (_, headers, status) => {
    const response = await app(headers, status).request('/', { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe(headers['content-encoding' as keyof typeof headers] ?? null);
    expect(response.headers.get('vary')).toBeNull();
  });

  it.each(['Origin, accept-encoding', '*'])('keeps Vary: %s as it is', async (vary) => {
    const response = await app({ vary }).request('/', { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('vary')).toBe(vary);
  });
});
