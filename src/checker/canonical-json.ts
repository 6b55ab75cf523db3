// Canonical JSON (spec appendix): the shortest UTF-8 encoding, object keys sorted by
// Unicode code point, integers only in [-(2^53)+1, 2^53-1], no exponents, no -0.

export class CanonicalJsonError extends Error {}

/** Deeper nesting than any signed Matrix object needs; stops untrusted input from blowing the stack. */
const MAX_DEPTH = 512;

export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

function encode(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new CanonicalJsonError(`nested deeper than ${MAX_DEPTH} levels`);
  if (value === null || typeof value === 'boolean') return String(value);
  // JSON.stringify writes exactly the escapes the spec grammar allows (\b \t \n \f \r \" \\
  // and lower-case \u00XX for other control characters) and leaves "/" and non-ASCII as is.
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new CanonicalJsonError(`${value} is not an integer in [-(2^53)+1, 2^53-1]`);
    }
    // String(-0) is "0": the spec's example encodes -0 as 0.
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => encode(item, depth + 1)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    entries.sort(([a], [b]) => compareCodePoints(a, b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${encode(item, depth + 1)}`).join(',')}}`;
  }
  throw new CanonicalJsonError(`a ${typeof value} cannot be encoded as JSON`);
}

/**
 * Code point order. JavaScript's default string order compares UTF-16 code units, which
 * puts astral characters (surrogates, 0xD800-) before U+E000-U+FFFF.
 */
function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference = left[i].codePointAt(0)! - right[i].codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}
