// DnsClient over DNS-over-HTTPS from the browser: the JSON API of Google and Cloudflare
// and RFC 8484 wire format over GET. Both are plain GETs with a safelisted Accept header,
// so no CORS preflight is sent (DoH servers answer preflights with errors).
import type { DnsAnswer, DnsClient, DnsRcode, DnsResult, RecordType } from '../../checker/interfaces.ts';
import { formatAddress, parseAddress } from '../../checker/ip.ts';
import { base64url, decodeResponse, encodeQuery } from './dns-wire.ts';
import type { DohResolver } from './resolvers.ts';

export const DEFAULT_DOH_TIMEOUT_MS = 5000;

export interface DohOptions {
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const RCODES: Record<number, DnsRcode> = { 0: 'NOERROR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 5: 'REFUSED' };
const JSON_TYPES: Record<number, RecordType> = { 1: 'A', 5: 'CNAME', 28: 'AAAA', 33: 'SRV' };

/** One resolver. NXDOMAIN, NODATA and SERVFAIL are results; a caller's abort is thrown. */
export function dohClient(resolver: DohResolver, options: DohOptions = {}): DnsClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOH_TIMEOUT_MS;
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  return {
    async query(name, type, { signal } = {}) {
      const failed = (rcode: DnsRcode, error: string): DnsResult => ({
        rcode,
        answers: [],
        authenticated: false,
        resolver: resolver.url,
        error,
      });
      const timeout = AbortSignal.timeout(timeoutMs);
      const url = new URL(resolver.url);
      if (resolver.format === 'json') {
        url.searchParams.set('name', name);
        url.searchParams.set('type', type);
      } else {
        url.searchParams.set('dns', base64url(encodeQuery(name, type)));
      }
      try {
        const response = await fetchImpl(url.href, {
          headers: { accept: resolver.format === 'json' ? 'application/dns-json' : 'application/dns-message' },
          credentials: 'omit',
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        if (!response.ok) return failed('ERROR', `the resolver answered HTTP ${response.status}`);
        const decoded =
          resolver.format === 'json'
            ? fromJson(await response.json())
            : decodeResponse(new Uint8Array(await response.arrayBuffer()));
        const rcode = RCODES[decoded.rcode];
        if (!rcode) return failed('ERROR', `the resolver answered with DNS rcode ${decoded.rcode}`);
        return { rcode, answers: decoded.answers, authenticated: decoded.authenticated, resolver: resolver.url };
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (timeout.aborted) return failed('TIMEOUT', `no answer within ${timeoutMs / 1000} s`);
        return failed('ERROR', `the resolver could not be reached or sent an unreadable answer (${(error as Error).message})`);
      }
    },
  };
}

interface JsonResponse {
  Status: number;
  AD?: boolean;
  Answer?: { name: string; type: number; TTL: number; data: string }[];
}

function fromJson(body: JsonResponse): { rcode: number; authenticated: boolean; answers: DnsAnswer[] } {
  if (typeof body?.Status !== 'number') throw new Error('no "Status" in the JSON answer');
  const answers: DnsAnswer[] = [];
  for (const record of body.Answer ?? []) {
    const type = JSON_TYPES[record.type];
    if (!type) continue;
    answers.push({ name: bareName(record.name), type, ttl: record.TTL, data: jsonData(type, record.data) });
  }
  return { rcode: body.Status, authenticated: body.AD === true, answers };
}

function jsonData(type: RecordType, data: string): DnsAnswer['data'] {
  switch (type) {
    case 'A':
    case 'AAAA': {
      const address = parseAddress(data);
      if (!address) throw new Error(`${type} record with data ${JSON.stringify(data)}, not an IP address`);
      return formatAddress(address.bytes);
    }
    case 'CNAME':
      return bareName(data);
    case 'SRV': {
      const [priority, weight, port, target] = data.trim().split(/\s+/);
      return { priority: Number(priority), weight: Number(weight), port: Number(port), target: bareName(target) || '.' };
    }
  }
}

function bareName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/**
 * Asks every resolver at once and answers with the majority view (ties go to the resolver
 * listed first), keeping each resolver's own result in `views` so that disagreements —
 * propagation in progress, split views — can be reported. Timeouts and errors do not vote
 * unless no resolver answered.
 */
export function fanoutDns(clients: DnsClient[]): DnsClient {
  return {
    async query(name, type, options) {
      const views = await Promise.all(clients.map((client) => client.query(name, type, options)));
      const answered = views.filter((view) => view.rcode !== 'TIMEOUT' && view.rcode !== 'ERROR');
      const voters = answered.length > 0 ? answered : views;
      const votes = new Map<string, DnsResult[]>();
      for (const view of voters) {
        const key = viewKey(view);
        votes.set(key, [...(votes.get(key) ?? []), view]);
      }
      const [winner] = [...votes.values()].reduce((best, group) => (group.length > best.length ? group : best));
      return { ...winner, views };
    },
  };
}

/** What two resolvers must share to agree: the rcode and the records, TTLs aside. */
export function viewKey(result: DnsResult): string {
  const records = result.answers.map((answer) => `${answer.type} ${answer.name} ${answerText(answer)}`).sort();
  return [result.rcode, ...records].join('\n');
}

export function answerText(answer: DnsAnswer): string {
  if (typeof answer.data === 'string') return answer.data;
  const { priority, weight, port, target } = answer.data;
  return `${priority} ${weight} ${port} ${target}`;
}
