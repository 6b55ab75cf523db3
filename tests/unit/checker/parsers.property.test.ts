// Property tests: the parsers that read untrusted input never throw. How many cases:
// fuzz-runs.ts (`npm run fuzz` runs many more).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HttpResult, RedirectHop } from '../../../src/checker/interfaces.ts';
import { analyzeServerKeys } from '../../../src/checker/keys.ts';
import { parseServerName } from '../../../src/checker/server-name.ts';
import {
  interpretClientVersions,
  interpretClientWellKnown,
  interpretServerWellKnown,
  interpretSupportWellKnown,
  wellKnownCacheLifetime,
} from '../../../src/checker/well-known.ts';
import { RUNS, TIMEOUT } from './fuzz-runs.ts';


const serverNameLike = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom(...'[]:.-0123456789abcdefABCDEF/%') }),
  fc.domain(),
  fc.tuple(fc.domain(), fc.integer({ min: -1, max: 200_000 })).map(([host, port]) => `${host}:${port}`),
  fc.ipV4().map((ip) => `${ip}:8448`),
  fc.ipV6().map((ip) => `[${ip}]`),
  fc.ipV6(),
  fc.webUrl(),
);

const jsonBody = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.json(),
  fc.jsonValue().map((value) => JSON.stringify({ 'm.server': value })),
  serverNameLike.map((name) => JSON.stringify({ 'm.server': name })),
  fc.jsonValue().map((value) => JSON.stringify({ 'm.homeserver': { base_url: value }, 'm.identity_server': value })),
  fc.jsonValue().map((value) => JSON.stringify({ contacts: [value], support_page: value, admins: value })),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => `{"m.server":${'['.repeat(depth)}${']'.repeat(depth)}}`),
);

const headers = fc.dictionary(
  fc.constantFrom('cache-control', 'expires', 'date', 'content-type', 'access-control-allow-origin'),
  fc.oneof(fc.string(), fc.constantFrom('max-age=60', 'no-store', 'max-age=99999999999999999999999', 'Thu, 01 Jan 1970 00:00:00 GMT')),
);

const httpResult: fc.Arbitrary<HttpResult> = fc.oneof(
  fc.record({
    ok: fc.constant(true as const),
    url: fc.webUrl(),
    status: fc.integer({ min: 100, max: 599 }),
    headers,
    body: jsonBody,
    redirects: fc.constant([] as RedirectHop[]),
    elapsedMs: fc.nat(),
  }),
  fc.record({
    ok: fc.constant(false as const),
    url: fc.webUrl(),
    error: fc.record({
      kind: fc.constantFrom('dns', 'connect', 'tls', 'timeout', 'too-large', 'cors', 'redirect-loop', 'redirect-limit', 'policy', 'network'),
      message: fc.string(),
    }),
    redirects: fc.constant([] as RedirectHop[]),
    elapsedMs: fc.nat(),
  }),
);

describe('property: parsers never throw', () => {
  it('parseServerName returns ok with a sane name, or an error that quotes the input', () => {
    fc.assert(
      fc.property(serverNameLike, (input) => {
        const result = parseServerName(input);
        if (result.ok) {
          expect(result.name.host.length).toBeGreaterThan(0);
          if (result.name.port !== undefined) expect(result.name.port).toBeGreaterThanOrEqual(1);
          if (result.name.port !== undefined) expect(result.name.port).toBeLessThanOrEqual(65535);
        } else {
          expect(result.error.startsWith('"')).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('the well-known interpreters accept any response', () => {
    fc.assert(
      fc.property(httpResult, fc.integer({ min: 0, max: 4_102_444_800_000 }), (result, now) => {
        interpretServerWellKnown(result);
        interpretClientWellKnown(result);
        interpretClientVersions(result);
        interpretSupportWellKnown(result);
        if (result.ok) {
          const { effectiveSeconds } = wellKnownCacheLifetime(result.headers, now);
          expect(effectiveSeconds).toBeGreaterThanOrEqual(300);
          expect(effectiveSeconds).toBeLessThanOrEqual(172_800);
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('a valid server well-known always names a valid server name', () => {
    fc.assert(
      fc.property(serverNameLike, (name) => {
        const result = interpretServerWellKnown({ ok: true, url: 'https://x/', status: 200, headers: {}, body: JSON.stringify({ 'm.server': name }), redirects: [], elapsedMs: 0 });
        expect(result.valid).toBe(name !== '' && parseServerName(name).ok);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('analyzeServerKeys accepts any body', async () => {
    const keysBody = fc.oneof(
      jsonBody,
      fc.record({
        server_name: fc.jsonValue(),
        valid_until_ts: fc.jsonValue(),
        verify_keys: fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.record({ key: fc.base64String({ maxLength: 48 }) }))),
        signatures: fc.jsonValue(),
      }).map((value) => JSON.stringify(value)),
    );
    await fc.assert(
      fc.asyncProperty(keysBody, async (body) => {
        await analyzeServerKeys(body, 'example.org');
      }),
      { numRuns: Math.ceil(RUNS / 10) },
    );
  }, TIMEOUT);
});
