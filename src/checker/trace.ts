// The step-by-step trace of a check: every network round trip the checker made, when it
// started relative to the check, how long it took, and what came back.
import type { Clock, DnsClient, DnsResult, HttpClient, HttpRequest, HttpResult, RecordType } from './interfaces.ts';
import type { CheckStatus, StepRequest, TraceStep } from './report.ts';

export type ProgressEvent =
  | { type: 'step-start'; step: { id: string; label: string; startedMs: number } }
  | { type: 'step-finish'; step: TraceStep };

export interface Trace {
  readonly steps: TraceStep[];
  /** Runs `work` as one step; `statusOf` grades its result for the trace. */
  step<T>(id: string, label: string, work: (requests: StepRequest[]) => Promise<T>, statusOf: (value: T) => CheckStatus): Promise<T>;
  /** Milliseconds since the trace started. */
  elapsed(): number;
}

export function createTrace(clock: Clock, onProgress?: (event: ProgressEvent) => void): Trace {
  const origin = clock.now();
  const steps: TraceStep[] = [];
  const elapsed = () => clock.now() - origin;
  const emit = (event: ProgressEvent) => {
    // A broken progress listener must not break the check.
    try {
      onProgress?.(event);
    } catch {
      /* ignored on purpose */
    }
  };
  return {
    steps,
    elapsed,
    async step(id, label, work, statusOf) {
      const step: TraceStep = { id, label, status: 'skip', startedMs: elapsed(), durationMs: 0, requests: [] };
      steps.push(step);
      emit({ type: 'step-start', step: { id, label, startedMs: step.startedMs } });
      const value = await work(step.requests);
      step.status = statusOf(value);
      step.durationMs = elapsed() - step.startedMs;
      emit({ type: 'step-finish', step: { ...step, requests: [...step.requests] } });
      return value;
    },
  };
}

/** DNS query that records itself and turns adapter exceptions into an ERROR result. */
export async function queryDns(
  dns: DnsClient,
  name: string,
  type: RecordType,
  requests: StepRequest[],
  signal: AbortSignal,
): Promise<DnsResult> {
  let result: DnsResult;
  try {
    result = await dns.query(name, type, { signal });
  } catch (error) {
    result = { rcode: 'ERROR', answers: [], authenticated: null, resolver: 'unknown', error: errorMessage(error) };
  }
  requests.push({
    method: 'DNS',
    url: `dns:${name}?type=${type}`,
    ...(result.rcode === 'NOERROR' ? {} : { error: result.error ? `${result.rcode}: ${result.error}` : result.rcode }),
  });
  return result;
}

/** HTTP request that records itself and turns adapter exceptions into a network failure. */
export async function fetchHttp(
  http: HttpClient,
  url: string,
  options: Omit<HttpRequest, 'url'>,
  requests: StepRequest[],
): Promise<HttpResult> {
  let result: HttpResult;
  try {
    result = await http.get(url, options);
  } catch (error) {
    result = { ok: false, url, error: { kind: 'network', message: errorMessage(error) }, redirects: [], elapsedMs: 0 };
  }
  requests.push({
    method: options.method ?? 'GET',
    url,
    ...(result.ok ? { status: result.status } : { error: `${result.error.kind}: ${result.error.message}` }),
  });
  return result;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
