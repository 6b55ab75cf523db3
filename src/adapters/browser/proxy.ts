// The optional fedcheck proxy (`npm start`): it connects where a page cannot (raw TCP, TLS
// details, signed keys). Found at the page's own origin, or at a URL the user gave.
import { REPORT_SCHEMA, type Report, type TraceStep } from '../../checker/report.ts';
import type { ProgressEvent } from '../../checker/trace.ts';

export type ProxyStatus =
  | { state: 'none' }
  | { state: 'found'; url: string; version: string; /** Started with FEDCHECK_ALLOW_PRIVATE: a LAN or test rig. */ allowPrivate: boolean }
  | { state: 'unreachable'; url: string; error: string };

export const PROXY_HEALTH_TIMEOUT_MS = 3000;

interface ProxyOptions {
  fetch?: typeof fetch;
}

/** `configured` (from `?proxy=` or settings) wins; otherwise the page's origin is tried quietly. */
export async function detectProxy(configured: string, origin: string, options: ProxyOptions = {}): Promise<ProxyStatus> {
  const url = proxyBase(configured || origin);
  if (url === null) return { state: 'unreachable', url: configured, error: 'not an http(s) URL' };
  try {
    const response = await (options.fetch ?? fetch)(new URL('api/v1/health', url), {
      credentials: 'omit',
      signal: AbortSignal.timeout(PROXY_HEALTH_TIMEOUT_MS),
    });
    const body = response.ok ? await response.json() : null;
    if (body?.ok === true) return { state: 'found', url, version: String(body.version ?? ''), allowPrivate: body.allowPrivate === true };
    if (!configured) return { state: 'none' };
    return { state: 'unreachable', url, error: `${new URL('api/v1/health', url).href} did not answer {"ok": true} (HTTP ${response.status})` };
  } catch (error) {
    if (!configured) return { state: 'none' };
    return { state: 'unreachable', url, error: (error as Error).message };
  }
}

/** The proxy's base URL with a trailing "/", or null when the text is not an http(s) URL. */
export function proxyBase(text: string): string | null {
  if (!URL.canParse(text)) return null;
  const url = new URL(text);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

export function proxyReportUrl(base: string, serverName: string): string {
  const url = new URL('api/v1/report', base);
  url.searchParams.set('server_name', serverName);
  return url.href;
}

/** The proxy's Report; throws with the proxy's own message on a refusal (400, 429 …). */
export async function fetchProxyReport(base: string, serverName: string, signal: AbortSignal, options: ProxyOptions = {}): Promise<Report> {
  const response = await (options.fetch ?? fetch)(proxyReportUrl(base, serverName), { credentials: 'omit', signal });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = body?.error?.message;
    throw new Error(`the proxy answered HTTP ${response.status}${typeof message === 'string' ? `: ${message}` : ''}`);
  }
  if (body?.schema !== REPORT_SCHEMA) throw new Error('the proxy answered with something that is not a fedcheck report');
  return body as Report;
}

const PROXY_STEP = { id: 'proxy', label: 'Connections, TLS and keys, tested by the proxy' };
/**
 * How long the page waits for the proxy's report: twice what `npm start` needs at most by
 * default (10 s in its queue, a 20 s report). A proxy that accepts and never answers must
 * not leave the check running forever.
 */
export const PROXY_REPORT_TIMEOUT_MS = 60_000;

/** The proxy's part of a check: its trace step, and its report or why there is none. */
export interface ProxyRun {
  step: TraceStep;
  proxied: Report | null;
  error?: string;
}

/**
 * The proxy's report as one step of the page's check. It needs nothing from the engine, so
 * the island starts it with the check, before the engine has loaded: the step starts at 0.
 * Never rejects, so that nobody has to wait for it: a failed request is a failed step, and
 * an aborted check, which nobody shows any more, hears nothing more from it.
 */
export async function runProxy(
  base: string,
  serverName: string,
  options: { signal: AbortSignal; onProgress: (event: ProgressEvent) => void; timeoutMs?: number },
): Promise<ProxyRun> {
  const timeoutMs = options.timeoutMs ?? PROXY_REPORT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const startedAt = Date.now();
  const step: TraceStep = { ...PROXY_STEP, status: 'skip', startedMs: 0, durationMs: 0, requests: [] };
  options.onProgress({ type: 'step-start', step: { ...PROXY_STEP, startedMs: 0 } });
  const request = { method: 'GET', url: proxyReportUrl(base, serverName) };
  let proxied: Report | null = null;
  let error: string | undefined;
  try {
    proxied = await fetchProxyReport(base, serverName, AbortSignal.any([options.signal, timeout]));
    step.status = proxied.verdict;
    step.requests.push({ ...request, status: 200 });
  } catch (cause) {
    error = timeout.aborted && !options.signal.aborted ? `the proxy sent no report within ${timeoutMs / 1000} s` : (cause as Error).message;
    step.status = 'fail';
    step.requests.push({ ...request, error });
  }
  step.durationMs = Date.now() - startedAt;
  if (!options.signal.aborted) options.onProgress({ type: 'step-finish', step });
  return { step, proxied, error };
}
