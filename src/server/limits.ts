// Per-client token buckets, and a global cap on concurrent reports with a bounded queue in
// front of it. A report costs the proxy dozens of DNS queries and connections, so both are
// on by default.
import type { MiddlewareHandler } from 'hono';
import type { RateLimit } from './config.ts';
import { apiError } from './errors.ts';

export interface RateLimiter {
  /** Takes one token; when there is none, says how long until there is. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number };
}

/** Buckets kept at most; the least recently seen client's bucket goes first. */
const maxTrackedClients = 50_000;

export function createRateLimiter(limit: RateLimit, now: () => number = Date.now): RateLimiter {
  const refillPerMs = limit.burst / limit.windowMs;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const time = now();
      const previous = buckets.get(key);
      const tokens = previous ? Math.min(limit.burst, previous.tokens + (time - previous.at) * refillPerMs) : limit.burst;
      // Re-inserting keeps the Map in least-recently-seen order for eviction.
      buckets.delete(key);
      if (buckets.size >= maxTrackedClients) buckets.delete(buckets.keys().next().value!);
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, at: time });
        return { ok: true };
      }
      buckets.set(key, { tokens, at: time });
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / refillPerMs / 1000)) };
    },
  };
}

/** Whether a report request got a place: at once, after waiting, or not. */
export type Admission = 'admitted' | 'full' | 'timed-out' | 'aborted';

export interface AdmissionLimits {
  /** Reports running at once (FEDCHECK_MAX_CONCURRENT). */
  maxActive: number;
  /** Requests waiting for a place beyond those (FEDCHECK_MAX_QUEUED). */
  maxWaiting: number;
  /** How long one request may wait for its place (FEDCHECK_QUEUE_TIMEOUT_MS). */
  maxWaitMs: number;
}

/**
 * A few reports run at once and the rest wait their turn in arrival order. Reports are
 * mostly CPU on the proxy (handshakes, certificates, JSON): run all at once, every one of
 * them takes as long as all together, memory holds all their state, and the unluckiest
 * client waits several times the average. In turn, a client waits for the reports ahead
 * of it and then one report's time.
 */
export interface AdmissionQueue {
  /** What the queue was made with. */
  readonly limits: AdmissionLimits;
  /** Requests holding a place. */
  readonly active: number;
  /** Requests waiting for one, at most maxWaiting. */
  readonly waiting: number;
  /**
   * 'admitted' at once or once the requests ahead have left (then call leave() when done);
   * 'full' when maxWaiting already wait, 'timed-out' after maxWaitMs, 'aborted' when the
   * signal fires first (the client went away): each of those gives its place in line back.
   */
  enter(signal: AbortSignal): Promise<Admission>;
  leave(): void;
}

export function createAdmissionQueue(limits: AdmissionLimits): AdmissionQueue {
  const { maxActive, maxWaiting, maxWaitMs } = limits;
  let active = 0;
  // Each waiting request's way to settle it. A Set iterates in insertion order (the queue's
  // order), and a request that gives up leaves it from wherever it stands.
  const queue = new Set<(admission: Admission) => void>();
  return {
    limits,
    get active() {
      return active;
    },
    get waiting() {
      return queue.size;
    },
    enter(signal) {
      if (signal.aborted) return Promise.resolve('aborted');
      if (active < maxActive && queue.size === 0) {
        active++;
        return Promise.resolve('admitted');
      }
      if (queue.size >= maxWaiting) return Promise.resolve('full');
      return new Promise((resolve) => {
        const settle = (admission: Admission) => {
          queue.delete(settle);
          clearTimeout(timer);
          signal.removeEventListener('abort', gone);
          resolve(admission);
        };
        const gone = () => settle('aborted');
        const timer = setTimeout(settle, maxWaitMs, 'timed-out');
        signal.addEventListener('abort', gone, { once: true });
        queue.add(settle);
      });
    },
    leave() {
      active--;
      const next = queue.values().next();
      if (next.done) return;
      // The place passes straight to the first in line, so no later arrival can take it.
      active++;
      next.value('admitted');
    },
  };
}

export function rateLimited(
  limiter: RateLimiter,
  clientKey: (c: Parameters<MiddlewareHandler>[0]) => string,
  onRejected: () => void = () => {},
): MiddlewareHandler {
  return async (c, next) => {
    const verdict = limiter.take(clientKey(c));
    if (!verdict.ok) {
      onRejected();
      c.header('Retry-After', String(verdict.retryAfterSeconds));
      return apiError(c, 429, 'rate_limited', `too many reports from your address; try again in ${verdict.retryAfterSeconds} s`);
    }
    await next();
  };
}

/** What a refused request is told to wait: long enough for the queue to have moved on. */
const busyRetryAfterSeconds = 5;

export function admissionQueued(queue: AdmissionQueue, onRejected: () => void = () => {}): MiddlewareHandler {
  const { limits } = queue;
  return async (c, next) => {
    const admission = await queue.enter(c.req.raw.signal);
    // The client went away while waiting: nobody reads this answer, the access log does.
    if (admission === 'aborted') return new Response(null, { status: 499 });
    if (admission !== 'admitted') {
      onRejected();
      c.header('Retry-After', String(busyRetryAfterSeconds));
      const why =
        admission === 'full'
          ? `the proxy is running ${limits.maxActive} reports and ${limits.maxWaiting} more are waiting`
          : `no report could start within ${limits.maxWaitMs / 1000} s`;
      return apiError(c, 503, 'busy', `${why}; try again in a few seconds`);
    }
    try {
      await next();
    } finally {
      queue.leave();
    }
  };
}
