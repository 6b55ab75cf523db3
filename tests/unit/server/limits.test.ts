import { describe, expect, it, vi } from 'vitest';
import { clientKey } from '../../../src/server/client.ts';
import { createAdmissionQueue, createRateLimiter, type Admission } from '../../../src/server/limits.ts';

describe('per-client token bucket', () => {
  it('allows a burst, then answers with the wait until the next token', () => {
    let now = 0;
    const limiter = createRateLimiter({ burst: 3, windowMs: 60_000 }, () => now);
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 20 });
    expect(limiter.take('b').ok).toBe(true);
    now = 19_000;
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    now = 20_000;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('refills to the burst size and no further', () => {
    let now = 0;
    const limiter = createRateLimiter({ burst: 2, windowMs: 1000 }, () => now);
    limiter.take('a');
    now = 1_000_000;
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, false]);
  });
});

describe('admission queue', () => {
  const never = new AbortController().signal;
  const queueOf = (maxActive: number, maxWaiting: number, maxWaitMs = 60_000) => createAdmissionQueue({ maxActive, maxWaiting, maxWaitMs });
  /** Which of the promises have settled so far, with what. */
  const settled = async (entries: Promise<Admission>[]) => {
    const seen: (Admission | 'waiting')[] = entries.map(() => 'waiting');
    entries.forEach((entry, index) => entry.then((admission) => (seen[index] = admission)));
    await new Promise((resolve) => setImmediate(resolve));
    return seen;
  };

  it('admits up to the cap at once, then queues; a place that frees goes to the first in line', async () => {
    const queue = queueOf(2, 10);
    const entries = [1, 2, 3, 4, 5].map(() => queue.enter(never));
    expect(await settled(entries)).toEqual(['admitted', 'admitted', 'waiting', 'waiting', 'waiting']);
    expect([queue.active, queue.waiting]).toEqual([2, 3]);
    queue.leave();
    expect(await settled(entries)).toEqual(['admitted', 'admitted', 'admitted', 'waiting', 'waiting']);
    queue.leave();
    queue.leave();
    expect(await settled(entries)).toEqual(['admitted', 'admitted', 'admitted', 'admitted', 'admitted']);
    expect([queue.active, queue.waiting]).toEqual([2, 0]);
  });

  it('lets no newcomer pass those already waiting, even at the moment a place frees', async () => {
    const queue = queueOf(1, 10);
    await queue.enter(never);
    const waiting = queue.enter(never);
    queue.leave();
    const newcomer = queue.enter(never);
    expect(await settled([waiting, newcomer])).toEqual(['admitted', 'waiting']);
    expect([queue.active, queue.waiting]).toEqual([1, 1]);
  });

  it('answers full beyond maxWaiting, and refuses at once with no queue at all', async () => {
    const queue = queueOf(1, 2);
    const entries = [1, 2, 3, 4].map(() => queue.enter(never));
    expect(await settled(entries)).toEqual(['admitted', 'waiting', 'waiting', 'full']);
    expect(queue.waiting).toBe(2);
    const unqueued = queueOf(1, 0);
    expect(await settled([unqueued.enter(never), unqueued.enter(never)])).toEqual(['admitted', 'full']);
  });

  it('gives up after maxWaitMs and frees the place in line', async () => {
    vi.useFakeTimers();
    try {
      const queue = queueOf(1, 1, 5000);
      await queue.enter(never);
      const waiting = queue.enter(never);
      expect(await queue.enter(never)).toBe('full');
      await vi.advanceTimersByTimeAsync(4999);
      expect(queue.waiting).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(await waiting).toBe('timed-out');
      expect([queue.active, queue.waiting]).toEqual([1, 0]);
      const next = queue.enter(never);
      queue.leave();
      expect(await next).toBe('admitted');
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets a request whose client left give its place in line back, without taking a running place', async () => {
    const queue = queueOf(1, 1);
    await queue.enter(never);
    const client = new AbortController();
    const leaving = queue.enter(client.signal);
    expect(await queue.enter(never)).toBe('full');
    client.abort();
    expect(await leaving).toBe('aborted');
    expect([queue.active, queue.waiting]).toEqual([1, 0]);
    const next = queue.enter(never);
    queue.leave();
    expect(await next).toBe('admitted');
    expect(queue.active).toBe(1);
    expect(await queueOf(1, 1).enter(AbortSignal.abort())).toBe('aborted');
  });
});

describe('rate-limit key', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['unknown', 'unknown'],
  ])('%s → %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });
});
