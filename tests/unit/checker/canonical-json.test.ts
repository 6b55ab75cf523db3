import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson } from '../../../src/checker/canonical-json.ts';

describe('canonical JSON: spec vectors', () => {
  it.each([
    ['{}', '{}'],
    ['{"one": 1, "two": "Two"}', '{"one":1,"two":"Two"}'],
    ['{"b": "2", "a": "1"}', '{"a":"1","b":"2"}'],
    ['{"b":"2","a":"1"}', '{"a":"1","b":"2"}'],
    [
      '{"auth": {"success": true, "mxid": "@john.doe:example.com", "profile": {"display_name": "John Doe", "three_pids": [{"medium": "email", "address": "john.doe@example.org"}, {"medium": "msisdn", "address": "123456789"}]}}}',
      '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}',
    ],
    ['{"a": "日本語"}', '{"a":"日本語"}'],
    ['{"本": 2, "日": 1}', '{"日":1,"本":2}'],
    ['{"a": "\\u65E5"}', '{"a":"日"}'],
    ['{"a": null}', '{"a":null}'],
    ['{"a": -0, "b": 1e10}', '{"a":0,"b":10000000000}'],
  ])('%s', (input, output) => {
    expect(canonicalJson(JSON.parse(input))).toBe(output);
  });
});

describe('canonical JSON: gomatrixserverlib vectors', () => {
  it.each([
    ['"\\u0008\\u0009\\u000A\\u000B\\u000C\\u000D\\u000E\\u000F"', '"\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"'],
    ['"\\u0018\\u0019\\u001A\\u001B\\u001C\\u001D\\u001E\\u001F"', '"\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"'],
    ['["\\/"]', '["/"]'],
    ['["\\uD842\\uDC20"]', '["\u{20820}"]'],
    ['{"\\u00F1":0}', '{"ñ":0}'],
  ])('%s', (input, output) => {
    expect(canonicalJson(JSON.parse(input))).toBe(output);
  });

  it('encodes U+20820 as its four UTF-8 bytes', () => {
    expect([...new TextEncoder().encode(canonicalJson(JSON.parse('"\\uD842\\uDC20"')))]).toEqual([0x22, 0xf0, 0xa0, 0xa0, 0xa0, 0x22]);
  });

  it.each([['{"a":9007199254740992}'], ['{"a":-9007199254740992}'], ['{"a":1.5}']])('rejects the out-of-range or float number in %s', (input) => {
    expect(() => canonicalJson(JSON.parse(input))).toThrow(CanonicalJsonError);
  });

  it('accepts the extreme safe integers', () => {
    expect(canonicalJson({ a: 2 ** 53 - 1, b: -(2 ** 53) + 1 })).toBe('{"a":9007199254740991,"b":-9007199254740991}');
  });
});

describe('canonical JSON: ordering and limits', () => {
  it('sorts by code point, not UTF-16 unit (astral after U+FFFF)', () => {
    expect(canonicalJson({ '\u{1F600}': 1, '\uFFFF': 2, a: 3 })).toBe('{"a":3,"\uFFFF":2,"\u{1F600}":1}');
  });

  it('rejects non-JSON values', () => {
    expect(() => canonicalJson({ a: () => 1 })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson(BigInt(1))).toThrow(CanonicalJsonError);
  });

  it('refuses 100,000-deep nesting with an error, not a stack overflow', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    expect(() => canonicalJson(deep)).toThrow(CanonicalJsonError);
  });
});
