// One HTTP/1.1 request and its bounded response over a connection the caller opened
// itself (to an address it has already checked). Shared by the HttpClient and the Prober.
import http from 'node:http';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type { HttpErrorKind } from '../../checker/interfaces.ts';

export interface ExchangeRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  maxBytes: number;
  /** HttpRequest.bodyWanted: when false for the status, the answer is the headers and body ''. */
  bodyWanted?: (status: number) => boolean;
  /** Aborting it cuts the exchange; a TimeoutError reason makes it a "timeout". */
  signal: AbortSignal;
  /** Opens the connection, or hands over one already open. */
  connect: () => Duplex;
  /**
   * Given, the connection may carry later requests: it is handed over once the whole answer
   * is in, if the server keeps it open too (HTTP/1.1 keep-alive). Without it, the connection
   * carries this request only.
   */
  keep?: (connection: Duplex) => void;
}

export interface ExchangeResponse {
  status: number;
  /** Names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** UTF-8, with invalid sequences replaced by U+FFFD. */
  body: string;
}

export class TransportError extends Error {
  readonly kind: HttpErrorKind;
  readonly code?: string;
  constructor(kind: HttpErrorKind, message: string, code?: string) {
    super(message);
    this.kind = kind;
    this.code = code;
  }
}

export function exchange(request: ExchangeRequest): Promise<ExchangeResponse> {
  const { signal, maxBytes } = request;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const { keep } = request;
    const req = http.request({
      method: request.method,
      path: request.path,
      // Without an agent Node asks the server to close after the answer, unless told otherwise.
      headers: keep ? { ...request.headers, connection: 'keep-alive' } : request.headers,
      createConnection: request.connect,
      // Servers and attackers control these: do not let a huge header block eat memory.
      maxHeaderSize: 16 * 1024,
    });
    // Node frees the connection after a complete answer that both sides keep alive.
    if (keep) req.once('socket', (socket) => socket.once('free', () => keep(socket)));
    const fail = (error: unknown) => {
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      reject(toTransportError(error));
    };
    const onAbort = () => fail(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (request.bodyWanted?.(status) === false) {
        signal.removeEventListener('abort', onAbort);
        resolve({ status, headers: flattenHeaders(res.headers), body: '' });
        // Nobody reads the rest of the body. A short one, declared and about to arrive, is
        // cheaper to drop as it comes than a connection that could be kept; anything else
        // goes with its connection.
        const declared = status === 204 || status === 304 ? 0 : Number(res.headers['content-length']);
        if (!keep || !(declared <= DROP_MAX_BYTES)) return void req.destroy();
        const late = setTimeout(() => req.destroy(), DROP_WITHIN_MS).unref();
        res.on('error', () => req.destroy()).once('end', () => clearTimeout(late)).resume();
        return;
      }
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) fail(new TransportError('network', 'connection closed before the response was complete', 'ECONNRESET'));
      });
      const declared = Number(res.headers['content-length']);
      if (declared > maxBytes) return fail(tooLarge(maxBytes, `Content-Length says ${declared} bytes`));
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        // Checked as the bytes arrive, so an endless body costs at most maxBytes + one chunk.
        if (received > maxBytes) fail(tooLarge(maxBytes));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        signal.removeEventListener('abort', onAbort);
        resolve({
          status,
          headers: flattenHeaders(res.headers),
          // Most answers come in one chunk: decoded as it is, without a copy.
          body: utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)),
        });
      });
    });
    req.end(request.body);
  });
}

/** The socket once it has connected (or finished its TLS handshake); aborting the signal destroys it. */
export function connected<T extends net.Socket>(socket: T, event: 'connect' | 'secureConnect', signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(error);
    };
    const onAbort = () => fail(abortError(signal));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    socket.once(event, () => {
      signal.removeEventListener('abort', onAbort);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

/** A body no one reads still keeps its connection when it is this short and this quick. */
const DROP_MAX_BYTES = 16 * 1024;
const DROP_WITHIN_MS = 1000;

/** Decoding a whole body at once keeps no state between calls: one decoder serves all. */
const utf8 = new TextDecoder('utf-8');

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function tooLarge(maxBytes: number, detail = 'the body kept coming'): TransportError {
  return new TransportError('too-large', `response body over the ${maxBytes}-byte limit (${detail})`);
}

/**
 * A signal that aborts with a TimeoutError after `timeoutMs`, or with `parent`, and a way to
 * end its timer once the work is done. AbortSignal.timeout would keep its timer (and the
 * signal's listeners) alive for the whole timeout after the answer came: under load that is
 * thousands of them.
 */
export function deadline(timeoutMs: number, parent: AbortSignal | undefined): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs).unref();
  const signal = parent ? AbortSignal.any([controller.signal, parent]) : controller.signal;
  return { signal, clear: () => clearTimeout(timer) };
}

export function abortError(signal: AbortSignal): TransportError {
  const reason = signal.reason as Error | undefined;
  if (reason instanceof TransportError) return reason;
  if (reason?.name === 'TimeoutError') return new TransportError('timeout', 'no complete response before the deadline', 'ETIMEDOUT');
  return new TransportError('network', `request cancelled${reason?.message ? `: ${reason.message}` : ''}`, 'ABORT_ERR');
}

const connectCodes = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EHOSTDOWN', 'ENETDOWN']);
const tlsCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'EPROTO',
]);

/** Maps a socket, TLS or HTTP parser error to the interface's error kinds. */
export function toTransportError(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const { code = '', message } = error as NodeJS.ErrnoException;
  if (connectCodes.has(code)) return new TransportError('connect', message, code);
  if (tlsCodes.has(code) || /^(CERT_|ERR_TLS_|ERR_SSL_)/.test(code)) return new TransportError('tls', message, code);
  if (code === 'ETIMEDOUT') return new TransportError('timeout', message, code);
  // HPE_* (malformed HTTP), ECONNRESET, EPIPE and the rest.
  return new TransportError('network', message, code || undefined);
}
