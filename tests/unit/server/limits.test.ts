import { describe, expect, it } from 'vitest';
import { clientKey } from '../../../src/server/client.ts';
import { createConcurrencyGate, createRateLimiter } from '../../../src/server/limits.ts';

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

describe('concurrency gate', () => {
  it('admits up to the cap and frees a place on leave', () => {
    const gate = createConcurrencyGate(2);
    expect([gate.tryEnter(), gate.tryEnter(), gate.tryEnter()]).toEqual([true, true, false]);
    gate.leave();
    expect(gate.active).toBe(1);
    expect(gate.tryEnter()).toBe(true);
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
