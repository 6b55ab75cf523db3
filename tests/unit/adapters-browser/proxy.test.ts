import { afterEach, describe, expect, it, vi } from 'vitest';
import { detectProxy, runProxy } from '../../../src/adapters/browser/proxy.ts';
import type { ProgressEvent } from '../../../src/checker/trace.ts';

afterEach(() => vi.unstubAllGlobals());

describe('runProxy', () => {
  it('turns a refusal into a failed step with the proxy’s message, and reports its start and finish', async () => {
    vi.stubGlobal('fetch', async () => Response.json({ error: { code: 'rate_limited', message: 'slow down' } }, { status: 429 }));
    const events: ProgressEvent[] = [];
    const run = await runProxy('http://proxy.test/', 'example.org', { signal: new AbortController().signal, onProgress: (event) => events.push(event) });
    expect(run.proxied).toBeNull();
    expect(run.error).toBe('the proxy answered HTTP 429: slow down');
    expect(run.step).toMatchObject({ id: 'proxy', status: 'fail', startedMs: 0, requests: [{ method: 'GET', url: 'http://proxy.test/api/v1/report?server_name=example.org', error: run.error }] });
    expect(events.map((event) => event.type)).toEqual(['step-start', 'step-finish']);
  });

  it('resolves, without a finish event, when the check is aborted', async () => {
    vi.stubGlobal('fetch', (_url: string, init: RequestInit) => new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason))));
    const controller = new AbortController();
    const events: ProgressEvent[] = [];
    const pending = runProxy('http://proxy.test/', 'example.org', { signal: controller.signal, onProgress: (event) => events.push(event) });
    controller.abort();
    expect((await pending).proxied).toBeNull();
    expect(events.map((event) => event.type)).toEqual(['step-start']);
  });
});

describe('runProxy, a proxy that never answers', () => {
  it('gives up after its timeout with a failed step that says so, and the check goes on', async () => {
    vi.stubGlobal('fetch', (_url: string, init: RequestInit) => new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason))));
    const events: ProgressEvent[] = [];
    const run = await runProxy('http://proxy.test/', 'example.org', { signal: new AbortController().signal, onProgress: (event) => events.push(event), timeoutMs: 50 });
    expect(run.proxied).toBeNull();
    expect(run.error).toBe('the proxy sent no report within 0.05 s');
    expect(run.step.status).toBe('fail');
    expect(events.map((event) => event.type)).toEqual(['step-start', 'step-finish']);
  });
});

describe('detectProxy', () => {
  it('reads the proxy\'s address policy from /api/v1/health; an older proxy without it allows no private addresses', async () => {
    const health = (body: unknown) => async () => Response.json(body);
    expect(await detectProxy('', 'http://proxy.test', { fetch: health({ ok: true, version: '1.2.0', allowPrivate: true }) })).toEqual({
      state: 'found', url: 'http://proxy.test/', version: '1.2.0', allowPrivate: true,
    });
    expect(await detectProxy('', 'http://proxy.test', { fetch: health({ ok: true, version: '1.1.0' }) })).toMatchObject({ state: 'found', allowPrivate: false });
    expect(await detectProxy('', 'http://proxy.test', { fetch: health({ ok: true, allowPrivate: 'yes' }) })).toMatchObject({ state: 'found', allowPrivate: false });
  });
});
