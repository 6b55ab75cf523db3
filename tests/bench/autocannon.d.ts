// The part of autocannon 9's API the bench uses; the package ships no types.
declare module 'autocannon' {
  interface Request {
    method?: string;
    /** Default: the path and query of `url`. */
    path?: string;
    /** Called for every response, with the headers as a name → value object (names as sent). */
    onResponse?: (status: number, body: string, context: object, headers: Record<string, string | string[]>) => void;
  }
  interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Seconds a request may take before it counts as a timeout. */
    timeout?: number;
    requests?: Request[];
  }
  interface Histogram {
    average: number;
    p50: number;
    p99: number;
  }
  interface Result {
    /** Seconds the run actually took. */
    duration: number;
    latency: Histogram;
    requests: Histogram & { total: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    statusCodeStats: Record<string, { count: number }>;
  }
  /** The running benchmark: awaited, its result. */
  interface Instance extends PromiseLike<Result> {
    /** Every response, with how long it took from the request's first byte written. */
    on(event: 'response', listener: (client: unknown, status: number, bytes: number, responseTimeMs: number) => void): this;
  }
  export default function autocannon(options: Options): Instance;
}
