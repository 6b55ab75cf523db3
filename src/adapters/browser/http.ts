// HttpClient on the page's fetch. A CORS read gives status, safelisted headers and body.
// When it fails the browser hides why (DNS, refused, TLS and missing CORS headers all look
// alike), so a `no-cors` request asks the one question it can answer: did TCP, TLS with a
// certificate this browser trusts, and HTTP all work?
import type { HttpClient, HttpFailure, HttpRequest, HttpResult, RedirectHop } from '../../checker/interfaces.ts';

/** What the browser hides is the same for every failure; the messages say so. */
const UNREADABLE =
  'reachable with a certificate this browser trusts, but the response cannot be read here because it has no ' +
  'CORS header (Access-Control-Allow-Origin); its status and body are unknown to this page';
const UNREACHABLE =
  'not reachable from this browser: the name did not resolve, the connection failed, or the certificate was ' +
  'rejected (expired, wrong name or untrusted); the browser does not say which';
const REDIRECT_FAILED =
  'the server answers with a redirect, but following it failed: a redirect loop, more than 20 redirects, or a ' +
  'target this browser cannot reach';

/** The Access-Control-Allow-Origin value the page reports: present, but its text is hidden. */
export const CORS_ACCEPTED = '(sent; accepted by this browser, value not readable)';

export interface BrowserHttpOptions {
  fetch?: typeof fetch;
}

export function browserHttp(options: BrowserHttpOptions = {}): HttpClient {
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  return {
    async get(url, { method = 'GET', headers, timeoutMs, maxBytes, maxRedirects, bodyWanted, reachabilityAlongside, signal }) {
      const started = performance.now();
      const timeout = AbortSignal.timeout(timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      const failed = (kind: HttpFailure['error']['kind'], message: string, reachable?: boolean): HttpResult => ({
        ok: false,
        url,
        error: reachable === undefined ? { kind, message } : { kind, message, reachable },
        redirects: [],
        elapsedMs: Math.round(performance.now() - started),
      });
      const request: RequestInit = {
        method,
        headers,
        credentials: 'omit',
        cache: 'no-store',
        redirect: maxRedirects === 0 ? 'manual' : 'follow',
        signal: combined,
      };
      const read = fetchImpl(url, { ...request, mode: 'cors' });
      // The no-cors question goes out once the read failed: every such request costs the
      // browser and the server as much as the read. A read that asks for it alongside gets
      // its answer without an extra round trip, but a task later: the reads a check starts
      // together all leave first. It is dropped when the read succeeds.
      const opaqueControl = new AbortController();
      // no-cors requires redirect "follow"; reachability does not depend on where it ends.
      const askReachable = () =>
        fetchImpl(url, { ...request, method: 'GET', mode: 'no-cors', redirect: 'follow', signal: AbortSignal.any([combined, opaqueControl.signal]) }).then(
          () => true,
          () => false,
        );
      const alongside = reachabilityAlongside ? new Promise((resolve) => setTimeout(resolve)).then(askReachable) : null;
      try {
        const response = await read;
        opaqueControl.abort();
        if (response.type === 'opaqueredirect') {
          return failed('redirect-limit', 'the server answers with a redirect, and this request follows none; the browser does not show where to');
        }
        const body = bodyWanted?.(response.status) === false ? (response.body?.cancel().catch(() => {}), '') : await readLimited(response, maxBytes);
        if (body === null) return failed('too-large', `the body is over ${maxBytes} bytes`);
        const headers: Record<string, string> = Object.fromEntries(response.headers);
        // A cross-origin read only succeeds when the answer, and every redirect before it,
        // allowed this origin; scripts just never see that header unless it is exposed.
        const corsRead = response.type === 'cors';
        if (corsRead) headers['access-control-allow-origin'] ??= CORS_ACCEPTED;
        // Fetch shows only the end of a redirect chain: one hop, status unknown (0).
        const redirects: RedirectHop[] = response.redirected
          ? [{ url, status: 0, location: response.url, headers: corsRead ? { 'access-control-allow-origin': CORS_ACCEPTED } : {} }]
          : [];
        return {
          ok: true,
          url: response.url || url,
          status: response.status,
          headers,
          body,
          redirects,
          elapsedMs: Math.round(performance.now() - started),
        };
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (timeout.aborted) return failed('timeout', `no response within ${timeoutMs / 1000} s`);
        // no-cors allows only simple methods; a GET answers "reachable?" for any method.
        if (await (alongside ?? askReachable())) return failed('cors', UNREADABLE, true);
        if (signal?.aborted) throw signal.reason;
        if (timeout.aborted) return failed('timeout', `no response within ${timeoutMs / 1000} s`);
        if (maxRedirects > 0 && (await answersWithRedirect(fetchImpl, url, request))) return failed('network', REDIRECT_FAILED, false);
        return failed('network', `${UNREACHABLE} (${(error as Error).message})`, false);
      }
    },
  };
}

async function answersWithRedirect(fetchImpl: typeof fetch, url: string, request: RequestInit): Promise<boolean> {
  try {
    const response = await fetchImpl(url, { ...request, method: 'GET', mode: 'no-cors', redirect: 'manual' });
    return response.type === 'opaqueredirect';
  } catch {
    return false;
  }
}

/** The body as text, or null as soon as more than maxBytes arrived. */
async function readLimited(response: Response, maxBytes: number): Promise<string | null> {
  if (Number(response.headers.get('content-length')) > maxBytes) {
    await response.body?.cancel();
    return null;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let received = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      return null;
    }
    text += decoder.decode(value, { stream: true });
  }
}
