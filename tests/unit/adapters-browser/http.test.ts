import { describe, it, expect } from 'vitest';
import { browserHttp, CORS_ACCEPTED } from '../../../src/adapters/browser/http.ts';

const options = { timeoutMs: 1000, maxBytes: 1024, maxRedirects: 5 };

/** A Response with the read-only fields only a real browser fetch sets. */
function response(body: BodyInit | null, fields: Partial<Pick<Response, 'type' | 'url' | 'redirected' | 'status'>> & { headers?: HeadersInit } = {}) {
  const { headers, ...rest } = fields;
  const result = new Response(body, { headers });
  for (const [key, value] of Object.entries(rest)) Object.defineProperty(result, key, { value });
  return result;
}

type Handler = (init: RequestInit) => Response | Promise<Response>;

/** A fetch answering by request mode, recording each mode asked for. */
function fakeFetch(handlers: Partial<Record<'cors' | 'no-cors' | 'no-cors-manual', Handler>>) {
  const modes: string[] = [];
  const fetch = async (_input: RequestInfo | URL, init: RequestInit = {}) => {
    const mode = init.mode === 'no-cors' && init.redirect === 'manual' ? 'no-cors-manual' : init.mode!;
    modes.push(mode);
    const handler = handlers[mode as keyof typeof handlers];
    if (!handler) throw new TypeError('Failed to fetch');
    return handler(init);
  };
  return { fetch: fetch as typeof globalThis.fetch, modes };
}

const hang: Handler = (init) =>
  new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)));

describe('browserHttp', () => {
  it('reads a CORS response: status, lower-case headers, body, no credentials', async () => {
    let seen: RequestInit = {};
    const { fetch } = fakeFetch({
      cors: (init) => {
        seen = init;
        return response('{"m.server":"matrix.example.org:443"}', { status: 200, headers: { 'Content-Type': 'application/json' } });
      },
    });
    const result = await browserHttp({ fetch }).get('https://example.org/.well-known/matrix/server', options);
    expect(result).toMatchObject({
      ok: true,
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"m.server":"matrix.example.org:443"}',
      redirects: [],
    });
    expect([seen.credentials, seen.redirect]).toEqual(['omit', 'follow']);
  });

  it('sends the CORS reads of requests started together before any of the no-cors questions asked alongside', async () => {
    const { fetch, modes } = fakeFetch({ cors: hang, 'no-cors': hang });
    const controller = new AbortController();
    const http = browserHttp({ fetch });
    const pending = ['a', 'b'].map((name) =>
      http.get(`https://${name}.example/_matrix/key/v2/server`, { ...options, reachabilityAlongside: true, signal: controller.signal }),
    );
    expect(modes).toEqual(['cors', 'cors']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(modes).toEqual(['cors', 'cors', 'no-cors', 'no-cors']);
    controller.abort();
    await Promise.allSettled(pending);
  });

  it('records a followed redirect as one hop to the final URL', async () => {
    const { fetch } = fakeFetch({ cors: () => response('{}', { redirected: true, url: 'https://www.example.org/.well-known/matrix/server' }) });
    const result = await browserHttp({ fetch }).get('https://example.org/.well-known/matrix/server', options);
    expect(result).toMatchObject({
      ok: true,
      url: 'https://www.example.org/.well-known/matrix/server',
      redirects: [{ url: 'https://example.org/.well-known/matrix/server', status: 0, location: 'https://www.example.org/.well-known/matrix/server' }],
    });
  });

  it('says "cors, reachable" when only a no-cors request gets through', async () => {
    const { fetch, modes } = fakeFetch({ 'no-cors': () => response(null, { type: 'opaque', status: 200 }) });
    const result = await browserHttp({ fetch }).get('https://example.org/.well-known/matrix/client', options);
    expect([...modes].sort()).toEqual(['cors', 'no-cors']);
    expect(result).toMatchObject({ ok: false, error: { kind: 'cors', reachable: true, message: expect.stringContaining('Access-Control-Allow-Origin') } });
  });

  /** A fetch taking 100 ms per request whose CORS reads fail; whether two were ever in flight at once. */
  function slowFetch() {
    const inFlight: string[] = [];
    const seen = { overlapped: false, modes: [] as string[] };
    const fetch = (async (_input: RequestInfo | URL, init: RequestInit = {}) => {
      inFlight.push(String(init.mode));
      seen.modes.push(String(init.mode));
      if (inFlight.length === 2) seen.overlapped = true;
      await new Promise((resolve) => setTimeout(resolve, 100));
      inFlight.pop();
      if (init.mode === 'cors') throw new TypeError('Failed to fetch');
      return response(null, { type: 'opaque', status: 0 });
    }) as typeof globalThis.fetch;
    return { fetch, seen };
  }

  it('asks the no-cors question alongside the CORS read when the request says so', async () => {
    const { fetch, seen } = slowFetch();
    const started = performance.now();
    const result = await browserHttp({ fetch }).get('https://example.org/_matrix/key/v2/server', { ...options, reachabilityAlongside: true });
    expect(seen.overlapped).toBe(true);
    expect(performance.now() - started).toBeLessThan(190);
    expect(result).toMatchObject({ ok: false, error: { kind: 'cors', reachable: true } });
  });

  it('asks the no-cors question only once the CORS read failed, and not at all when it succeeds', async () => {
    const { fetch, seen } = slowFetch();
    const started = performance.now();
    const result = await browserHttp({ fetch }).get('https://example.org/.well-known/matrix/client', options);
    expect(seen.overlapped).toBe(false);
    expect(seen.modes).toEqual(['cors', 'no-cors']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    expect(result).toMatchObject({ ok: false, error: { kind: 'cors', reachable: true } });

    const read = fakeFetch({ cors: () => response('{}', { status: 200 }) });
    await browserHttp({ fetch: read.fetch }).get('https://example.org/.well-known/matrix/client', options);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(read.modes).toEqual(['cors']);
  });

  it('asks a preflighted OPTIONS\' reachability with a no-cors GET, the only kind no-cors allows', async () => {
    const methods: string[] = [];
    const fetch = (async (_input: RequestInfo | URL, init: RequestInit = {}) => {
      methods.push(`${init.mode} ${init.method}`);
      if (init.mode === 'cors') throw new TypeError('Failed to fetch');
      return response(null, { type: 'opaque', status: 0 });
    }) as typeof globalThis.fetch;
    const result = await browserHttp({ fetch }).get('https://example.org/.well-known/matrix/client', { ...options, method: 'OPTIONS' });
    expect([...methods].sort()).toEqual(['cors OPTIONS', 'no-cors GET']);
    expect(result).toMatchObject({ ok: false, error: { kind: 'cors', reachable: true } });
  });

  it('says "network, unreachable or certificate rejected" when no-cors fails too', async () => {
    const { fetch } = fakeFetch({});
    const result = await browserHttp({ fetch }).get('https://expired.example.org/', options);
    expect(result).toMatchObject({ ok: false, error: { kind: 'network', reachable: false, message: expect.stringContaining('certificate') } });
  });

  it('tells a redirect that cannot be followed from an unreachable server', async () => {
    const { fetch } = fakeFetch({ 'no-cors-manual': () => response(null, { type: 'opaqueredirect', status: 0 }) });
    const result = await browserHttp({ fetch }).get('https://loop.example.org/.well-known/matrix/server', options);
    expect(result).toMatchObject({ ok: false, error: { kind: 'network', message: expect.stringContaining('redirect loop') } });
  });

  it('refuses to follow a redirect when maxRedirects is 0', async () => {
    let redirect: RequestInit['redirect'];
    const { fetch } = fakeFetch({
      cors: (init) => {
        redirect = init.redirect;
        return response(null, { type: 'opaqueredirect', status: 0 });
      },
    });
    const result = await browserHttp({ fetch }).get('https://example.org/', { ...options, maxRedirects: 0 });
    expect(redirect).toBe('manual');
    expect(result).toMatchObject({ ok: false, error: { kind: 'redirect-limit' } });
  });

  it('cuts a body over maxBytes while streaming, and one announced as too large', async () => {
    const chunks = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(600));
      },
    });
    const streamed = await browserHttp({ fetch: fakeFetch({ cors: () => response(chunks) }).fetch }).get('https://example.org/', options);
    expect(streamed).toMatchObject({ ok: false, error: { kind: 'too-large', message: 'the body is over 1024 bytes' } });
    const announced = await browserHttp({
      fetch: fakeFetch({ cors: () => response('x', { headers: { 'content-length': '5000' } }) }).fetch,
    }).get('https://example.org/', options);
    expect(announced).toMatchObject({ ok: false, error: { kind: 'too-large' } });
  });

  it('answers without the body, and stops it, for a status whose body the caller does not want', async () => {
    // A body that never ends: only a client that does not wait for it answers.
    let cancelled = false;
    const endless = () => new ReadableStream({ start: (controller) => controller.enqueue(new TextEncoder().encode('<html>')), cancel: () => void (cancelled = true) });
    const { fetch } = fakeFetch({ cors: () => response(endless(), { status: 404 }) });
    const notFound = await browserHttp({ fetch }).get('https://example.org/.well-known/matrix/server', { ...options, bodyWanted: (status) => status === 200 });
    expect(notFound).toMatchObject({ ok: true, status: 404, body: '' });
    expect(cancelled).toBe(true);
    const { fetch: found } = fakeFetch({ cors: () => response('{"m.server":"matrix.example.org"}', { status: 200 }) });
    const ok = await browserHttp({ fetch: found }).get('https://example.org/.well-known/matrix/server', { ...options, bodyWanted: (status) => status === 200 });
    expect(ok).toMatchObject({ ok: true, status: 200, body: '{"m.server":"matrix.example.org"}' });
  });

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = new TextEncoder().encode('{"m.server":"ü.example"}');
    const split = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 14));
        controller.enqueue(bytes.subarray(14));
        controller.close();
      },
    });
    const result = await browserHttp({ fetch: fakeFetch({ cors: () => response(split) }).fetch }).get('https://example.org/', options);
    expect(result).toMatchObject({ ok: true, body: '{"m.server":"ü.example"}' });
  });

  it('times out with kind "timeout", also during the no-cors probe', async () => {
    const slow = await browserHttp({ fetch: fakeFetch({ cors: hang }).fetch }).get('https://slow.example.org/', { ...options, timeoutMs: 20 });
    expect(slow).toMatchObject({ ok: false, error: { kind: 'timeout', message: 'no response within 0.02 s' } });
    const slowNoCors = await browserHttp({ fetch: fakeFetch({ 'no-cors': hang }).fetch }).get('https://slow.example.org/', { ...options, timeoutMs: 20 });
    expect(slowNoCors).toMatchObject({ ok: false, error: { kind: 'timeout' } });
  });

  it('passes a caller abort on', async () => {
    const controller = new AbortController();
    const pending = browserHttp({ fetch: fakeFetch({ cors: hang }).fetch }).get('https://example.org/', { ...options, signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toThrow('cancelled');
  });
});

describe('browserHttp and CORS headers', () => {
  it('records that a cross-origin read proves Access-Control-Allow-Origin, on the answer and each redirect', async () => {
    const { fetch } = fakeFetch({ cors: () => response('{}', { type: 'cors', redirected: true, url: 'https://www.example.org/x' }) });
    const result = await browserHttp({ fetch }).get('https://example.org/x', options);
    expect(result).toMatchObject({
      ok: true,
      headers: { 'access-control-allow-origin': CORS_ACCEPTED },
      redirects: [{ headers: { 'access-control-allow-origin': CORS_ACCEPTED } }],
    });
  });

  it('keeps an exposed Access-Control-Allow-Origin value, and claims nothing for same-origin reads', async () => {
    const exposed = fakeFetch({ cors: () => response('{}', { type: 'cors', headers: { 'access-control-allow-origin': '*' } }) });
    expect(await browserHttp({ fetch: exposed.fetch }).get('https://example.org/x', options)).toMatchObject({
      headers: { 'access-control-allow-origin': '*' },
    });
    const sameOrigin = fakeFetch({ cors: () => response('{}', { type: 'basic' }) });
    const result = await browserHttp({ fetch: sameOrigin.fetch }).get('https://example.org/x', options);
    expect(result.ok && result.headers['access-control-allow-origin']).toBeUndefined();
  });
});
