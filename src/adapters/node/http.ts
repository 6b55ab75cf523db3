// HttpClient for the proxy and the CLI. It resolves the host itself, applies the address
// policy to every address and connects to the checked address, so DNS rebinding cannot
// switch the target between check and connect; it follows redirects itself, each hop
// through the same checks. A report's later requests to the same place reuse its idle
// connections (connection-pool.ts).
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { DnsClient, DnsResult, HttpClient, HttpRequest, HttpResult, RedirectHop } from '../../checker/interfaces.ts';
import { refusalMessage, type AddressPolicy } from './address-policy.ts';
import { connectionPool } from './connection-pool.ts';
import { abortError, connected, deadline, exchange, toTransportError, TransportError, type ExchangeResponse } from './exchange.ts';
import { trustStore } from './trust.ts';

export interface NodeHttpOptions {
  dns: DnsClient;
  policy: AddressPolicy;
  /** Extra trusted CA certificates (PEM). */
  extraCa?: string[];
  userAgent?: string;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

type AddressLookup = Promise<[DnsResult, DnsResult]>;

export function createNodeHttpClient(options: NodeHttpOptions): HttpClient {
  const { dns, policy, userAgent = 'fedcheck' } = options;
  const secureContext = trustStore(options.extraCa);
  const connections = connectionPool();
  /**
   * A report asks one host several times in a row (the client .well-known, then sign-in and
   * calls at the same base URL): with the report's signal, the report's DNS channel answers
   * again from its first answer (dns.ts), so that costs no further round trip.
   */
  function lookupAddresses(hostname: string, report: AbortSignal | undefined): AddressLookup {
    return Promise.all([dns.query(hostname, 'A', { signal: report }), dns.query(hostname, 'AAAA', { signal: report })]);
  }

  /**
   * The checked addresses for a URL host, IPv4 first: the proxy host may lack IPv6.
   * A pinned address (HttpRequest.address) replaces the lookup, and is checked too.
   */
  async function addressesFor(hostname: string, pinned: string | undefined, signal: AbortSignal, report: AbortSignal | undefined): Promise<string[]> {
    let candidates: string[];
    if (pinned !== undefined) {
      candidates = [pinned];
    } else if (net.isIP(bareHost(hostname))) {
      candidates = [bareHost(hostname)];
    } else {
      const results = await untilAborted(lookupAddresses(hostname, report), signal);
      candidates = results.flatMap((r) => r.answers.filter((a) => a.type === 'A' || a.type === 'AAAA').map((a) => a.data as string));
      if (candidates.length === 0) {
        const [a, aaaa] = results;
        const why = a.rcode === aaaa.rcode ? a.rcode : `A ${a.rcode}, AAAA ${aaaa.rcode}`;
        throw new TransportError('dns', `${hostname} has no address (${why}${a.error ? `: ${a.error}` : ''})`, a.rcode);
      }
    }
    const verdicts = candidates.map((c) => policy.check(c));
    const allowed = verdicts.flatMap((v) => (v.allowed ? [v.address] : []));
    if (allowed.length === 0) {
      const refused = verdicts.flatMap((v) => (v.allowed ? [] : [refusalMessage(v)])).join('; ');
      const named = net.isIP(bareHost(hostname)) ? '' : `${hostname}: `;
      throw new TransportError('policy', named + refused, 'ADDRESS_POLICY');
    }
    return [...new Set(allowed)];
  }

  /** One hop: tries each checked address until one accepts the connection. */
  async function fetchOnce(url: URL, request: Omit<HttpRequest, 'url'>, pinned: string | undefined, signal: AbortSignal): Promise<ExchangeResponse & { address: string }> {
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    // The certificate must be valid for the URL's host; SNI is not sent for IP literals.
    const tlsName = bareHost(url.hostname);
    const sni = net.isIP(tlsName) ? undefined : tlsName;
    const report = request.signal;
    let lastError: TransportError | undefined;
    for (const address of await addressesFor(url.hostname, pinned, signal, report)) {
      const key = `${url.protocol}//${tlsName}@${address}:${port}`;
      const ask = (connect: () => Duplex) =>
        exchange({
          method: request.method ?? 'GET',
          path: url.pathname + url.search,
          headers: { host: url.host, 'user-agent': userAgent, ...request.headers },
          body: request.body,
          maxBytes: request.maxBytes,
          bodyWanted: request.bodyWanted,
          signal,
          connect,
          ...(report ? { keep: (connection: Duplex) => connections.keep(report, key, connection) } : {}),
        });
      const kept = report && connections.take(report, key);
      if (kept) {
        try {
          return { ...(await ask(() => kept)), address };
        } catch (error) {
          // The server may have closed the idle connection as the request left: once more on
          // a new one, as clients do. Anything else would repeat there.
          const failure = toTransportError(error);
          if (signal.aborted || failure.code !== 'ECONNRESET') throw failure;
        }
      }
      try {
        // TCP first, and only then TLS and the request: a refused connection (a port with
        // nothing behind it is common here) then costs a socket, not a TLS session and an
        // HTTP request that fail with it.
        const connection = await connected(net.connect({ host: address, port }), 'connect', signal);
        const response = await ask(() =>
          url.protocol === 'https:'
            ? tls.connect({ socket: connection, servername: sni, secureContext, ALPNProtocols: ['http/1.1'], checkServerIdentity: (_, cert) => tls.checkServerIdentity(tlsName, cert) })
            : connection,
        );
        return { ...response, address };
      } catch (error) {
        lastError = toTransportError(error);
        // Another address may be up; a TLS, HTTP or size problem would repeat there.
        if (lastError.kind !== 'connect') throw lastError;
      }
    }
    throw lastError;
  }

  return {
    canPinAddress: true,
    async get(rawUrl, request): Promise<HttpResult> {
      const started = performance.now();
      const elapsedMs = () => Math.round(performance.now() - started);
      const redirects: RedirectHop[] = [];
      const visited = new Set<string>();
      let url: URL;
      try {
        url = new URL(rawUrl);
      } catch {
        return { ok: false, url: rawUrl, error: { kind: 'network', message: `not a URL: ${rawUrl}` }, redirects, elapsedMs: elapsedMs() };
      }
      const firstHost = url.hostname;
      const { signal, clear } = deadline(request.timeoutMs, request.signal);
      try {
        for (;;) {
          if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TransportError('network', `unsupported URL scheme ${url.protocol}`);
          visited.add(url.href);
          // The pin holds for the original host, also when a redirect comes back to it.
          const pinned = url.hostname === firstHost ? request.address : undefined;
          const response = await fetchOnce(url, request, pinned, signal);
          const location = response.headers.location;
          if (!redirectStatuses.has(response.status) || location === undefined || request.maxRedirects === 0) {
            return { ok: true, url: url.href, status: response.status, headers: response.headers, body: response.body, redirects, address: response.address, elapsedMs: elapsedMs() };
          }
          redirects.push({ url: url.href, status: response.status, location, headers: response.headers });
          const next = new URL(location, url);
          if (visited.has(next.href)) throw new TransportError('redirect-loop', `redirect loop: ${next.href} was already visited`);
          if (redirects.length > request.maxRedirects) throw new TransportError('redirect-limit', `more than ${request.maxRedirects} redirects`);
          url = next;
        }
      } catch (error) {
        const { kind, message, code } = toTransportError(error);
        return { ok: false, url: url.href, error: code ? { kind, message, code } : { kind, message }, redirects, elapsedMs: elapsedMs() };
      } finally {
        clear();
      }
    },
  };
}

/** URL hostnames keep IPv6 literals in brackets. */
export function bareHost(hostname: string): string {
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

/** A shared lookup awaited by one request: its own abort ends its wait, not the lookup. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
