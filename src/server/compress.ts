// The API's answers gzipped whole, with node:zlib. They are made in full per request (a
// report, a probe's or the process's metrics), so streaming them gains nothing, and Hono's
// compress() streams through CompressionStream: about 1 ms of CPU for an 11 KB report where
// zlib takes 0.2 ms, and a body that follows its headers in pieces (tests/bench/README.md).
// Its rules stay: Accept-Encoding's q-values, no-transform, no 206, HEAD or streamed body,
// Vary, a weak ETag, nothing declared under 1 KB. Only gzip is offered: browsers and
// Prometheus accept it.
import { gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import { parseAccept } from 'hono/utils/accept';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';

const MIN_BYTES = 1024;

export function gzipWhole(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const { res } = c;
    const type = res.headers.get('content-type');
    const length = res.headers.get('content-length');
    const untouched =
      !res.body ||
      c.req.method === 'HEAD' ||
      res.status === 206 ||
      res.headers.has('content-encoding') ||
      res.headers.has('transfer-encoding') ||
      (length !== null && Number(length) < MIN_BYTES) ||
      type === null ||
      !COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) ||
      listsToken(res.headers.get('cache-control'), 'no-transform');
    if (untouched) return;
    const vary = res.headers.get('vary') ?? '';
    if (vary !== '*' && !listsToken(vary, 'accept-encoding')) res.headers.append('vary', 'Accept-Encoding');
    if (!acceptsGzip(c.req.header('accept-encoding'))) return;
    const body = gzipSync(await res.arrayBuffer());
    // Hono copies the old answer's headers onto the new one: the encoding's are set after.
    c.res = new Response(body, res);
    c.res.headers.set('content-encoding', 'gzip');
    c.res.headers.set('content-length', String(body.length));
    const etag = c.res.headers.get('etag');
    if (etag && !etag.startsWith('W/')) c.res.headers.set('etag', `W/${etag}`);
  };
}

/** A comma-separated header (Cache-Control, Vary) holds `token`, in any case. */
function listsToken(value: string | null, token: string): boolean {
  return (value ?? '').split(',').some((part) => part.trim().toLowerCase() === token);
}

/** Accept-Encoding allows gzip, by name or by `*`, with a q above 0. */
function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  const accepted = parseAccept(header);
  const gzip = accepted.find((entry) => entry.type.toLowerCase() === 'gzip') ?? accepted.find((entry) => entry.type === '*');
  return (gzip?.q ?? 0) > 0;
}
