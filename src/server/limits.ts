// Per-client token buckets and a global cap on concurrent reports. A report costs the
// proxy dozens of DNS queries and connections, so both are on by default.
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

export interface ConcurrencyGate {
  readonly active: number;
  tryEnter(): boolean;
  leave(): void;
}

export function createConcurrencyGate(max: number): ConcurrencyGate {
  let active = 0;
  return {
    get active() {
      return active;
    },
    tryEnter() {
      if (active >= max) return false;
      active++;
      return true;
    },
    leave() {
      active--;
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

export function concurrencyCapped(gate: ConcurrencyGate, onRejected: () => void = () => {}): MiddlewareHandler {
  return async (c, next) => {
    if (!gate.tryEnter()) {
      onRejected();
      c.header('Retry-After', '5');
      return apiError(c, 503, 'busy', 'the proxy is running as many reports as it allows at once; try again in a few seconds');
    }
    try {
      await next();
    } finally {
      gate.leave();
    }
  };
}
