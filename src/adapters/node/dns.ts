// DnsClient on node:dns (c-ares): the system resolvers from /etc/resolv.conf, or the
// servers in FEDCHECK_DNS_SERVERS. c-ares reports TTLs only for A/AAAA (CNAME and SRV
// answers carry ttl 0) and does not expose the AD bit: for `authenticated`, the same question
// goes to the first resolver over the wire as well, with the DO bit, and its AD flag is read.
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import { Resolver } from 'node:dns/promises';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import type { DnsAnswer, DnsClient, DnsRcode, DnsResult, RecordType } from '../../checker/interfaces.ts';

export interface NodeDnsOptions {
  /** "ip", "ip:port" or "[ipv6]:port"; empty or absent means the system resolvers. */
  servers?: string[];
  /** Per attempt, per server. */
  attemptTimeoutMs?: number;
  attempts?: number;
}

/** c-ares error codes that are answers or distinct failures; the rest are ERROR. */
const rcodeByErrorCode: Record<string, DnsRcode> = {
  ENOTFOUND: 'NXDOMAIN',
  ESERVFAIL: 'SERVFAIL',
  EREFUSED: 'REFUSED',
  ETIMEOUT: 'TIMEOUT',
};

/** A chain longer than this is a loop or an abuse; resolvers give up near here too. */
const maxCnameHops = 8;

export function createNodeDnsClient(options: NodeDnsOptions = {}): DnsClient {
  const { servers = [], attemptTimeoutMs = 2000, attempts = 2 } = options;
  const newResolver = () => {
    const resolver = new Resolver({ timeout: attemptTimeoutMs, tries: attempts });
    if (servers.length > 0) resolver.setServers(servers);
    return resolver;
  };
  const newChannel = (): Channel => ({ resolver: newResolver(), cnameChains: new Map(), results: new Map() });
  const configured = newResolver().getServers();
  const resolverName = configured.join(', ');
  const validator = configured.length > 0 ? serverAddress(configured[0]) : undefined;

  /**
   * One resolver (a c-ares channel with its own sockets) per signal: a report asks all its
   * questions with its signal, and setting up a channel per question cost more than the
   * questions. Aborting cancels the channel's lookups, which are all that signal's.
   */
  const channelsBySignal = new WeakMap<AbortSignal, Channel>();
  const channelFor = (signal: AbortSignal | undefined): Channel => {
    if (!signal) return newChannel();
    let channel = channelsBySignal.get(signal);
    if (!channel) {
      const created = newChannel();
      signal.addEventListener('abort', () => created.resolver.cancel(), { once: true });
      channelsBySignal.set(signal, (channel = created));
    }
    return channel;
  };

  const ask = async (channel: Channel, owner: string, type: RecordType, signal: AbortSignal | undefined): Promise<DnsResult> => {
    try {
      if (signal?.aborted) throw Object.assign(new Error('query cancelled'), { code: 'ECANCELLED' });
      const [answers, authenticated] = await Promise.all([
        lookUp(channel, owner, type),
        validator ? validatedBy(validator, owner, type, attemptTimeoutMs, signal) : null,
      ]);
      return { rcode: 'NOERROR', answers, authenticated, resolver: resolverName };
    } catch (error) {
      return failure(error as NodeJS.ErrnoException, resolverName, signal);
    }
  };

  return {
    query(name, type, queryOptions = {}) {
      const owner = normalise(name);
      const { signal } = queryOptions;
      const channel = channelFor(signal);
      // A report asks some questions twice (discovery, then the HTTP client for the same
      // host): it gets the first answer again, so it sees one consistent DNS and pays once.
      const key = `${type} ${owner}`;
      let result = channel.results.get(key);
      if (!result) channel.results.set(key, (result = ask(channel, owner, type, signal)));
      return result;
    },
  };
}

/** "1.2.3.4", "1.2.3.4:53", "::1", "[::1]:53" (getServers' forms) as an address and port. */
function serverAddress(text: string): { address: string; port: number } | undefined {
  const bracketed = /^\[(.+)\]:(\d+)$/.exec(text);
  if (bracketed) return { address: bracketed[1], port: Number(bracketed[2]) };
  if (isIP(text)) return { address: text, port: 53 };
  const [address, port] = text.split(':');
  return isIP(address) ? { address, port: Number(port) } : undefined;
}

// EDNS0 with the DO bit; the library's types lack the OPT fields its encoder reads.
const ednsWithDo = { type: 'OPT', name: '.', udpPayloadSize: 1232, flags: dnsPacket.DNSSEC_OK, options: [] } as unknown as dnsPacket.Answer;

/**
 * The resolver's AD flag for this question, asked with the DO bit (RFC 4035 3.2.1) and AD
 * set (RFC 6840 5.7) over UDP: true when it validated the answer with DNSSEC, false when
 * not; null when it did not answer in time, so that nothing is claimed.
 */
function validatedBy(server: { address: string; port: number }, name: string, type: RecordType, timeoutMs: number, signal?: AbortSignal): Promise<boolean | null> {
  const id = randomInt(0x10000);
  const query = dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHENTIC_DATA,
    questions: [{ type, name }],
    additionals: [ednsWithDo],
  });
  return new Promise((resolve) => {
    const socket = dgram.createSocket(isIP(server.address) === 6 ? 'udp6' : 'udp4');
    const done = (authenticated: boolean | null) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abandon);
      socket.close();
      resolve(authenticated);
    };
    const abandon = () => done(null);
    const timer = setTimeout(abandon, timeoutMs);
    signal?.addEventListener('abort', abandon, { once: true });
    socket.on('error', abandon);
    socket.on('message', (message) => {
      try {
        const response = dnsPacket.decode(message);
        const question = response.questions?.[0];
        // Only the answer to this question counts; anything else on the socket is ignored.
        if (response.id !== id || question?.type !== type || question.name.toLowerCase() !== name) return;
        done(((response.flags ?? 0) & dnsPacket.AUTHENTIC_DATA) !== 0);
      } catch {
        // Not a DNS message: keep waiting for the answer.
      }
    });
    socket.send(query, server.port, server.address);
  });
}

/**
 * A report's resolver, the CNAME chains it has followed (a report asks A and AAAA for a
 * name together, and both need the same chain) and its answers by question.
 */
interface Channel {
  resolver: Resolver;
  cnameChains: Map<string, Promise<DnsAnswer[]>>;
  results: Map<string, Promise<DnsResult>>;
}

async function lookUp({ resolver, cnameChains }: Channel, owner: string, type: RecordType): Promise<DnsAnswer[]> {
  switch (type) {
    case 'CNAME': {
      const [target] = await resolver.resolveCname(owner);
      return [{ name: owner, type, ttl: 0, data: normalise(target) }];
    }
    case 'SRV': {
      const records = await resolver.resolveSrv(owner);
      // c-ares gives the root target "." (service explicitly not available) as "".
      return records.map((r) => ({
        name: owner,
        type,
        ttl: 0,
        data: { priority: r.priority, weight: r.weight, port: r.port, target: r.name === '' ? '.' : normalise(r.name) },
      }));
    }
    case 'A':
    case 'AAAA': {
      // c-ares follows CNAMEs but hides the chain; ask for it alongside, one hop at a time
      // (resolveAny would be one query, but many servers refuse ANY since RFC 8482).
      let chain = cnameChains.get(owner);
      if (!chain) cnameChains.set(owner, (chain = cnameChain(resolver, owner)));
      const [cnames, records] = await Promise.all([
        chain,
        type === 'A' ? resolver.resolve4(owner, { ttl: true }) : resolver.resolve6(owner, { ttl: true }),
      ]);
      const canonical = cnames.length > 0 ? (cnames[cnames.length - 1].data as string) : owner;
      return [...cnames, ...records.map((r) => ({ name: canonical, type, ttl: r.ttl, data: r.address }))];
    }
  }
}

async function cnameChain(resolver: Resolver, owner: string): Promise<DnsAnswer[]> {
  const chain: DnsAnswer[] = [];
  let name = owner;
  while (chain.length < maxCnameHops) {
    let target: string;
    try {
      [target] = await resolver.resolveCname(name);
    } catch {
      // The end of the chain (NODATA), or a failure the address question reports itself.
      break;
    }
    chain.push({ name, type: 'CNAME', ttl: 0, data: normalise(target) });
    name = normalise(target);
  }
  return chain;
}

function failure(error: NodeJS.ErrnoException, resolver: string, signal?: AbortSignal): DnsResult {
  const code = error.code ?? '';
  // NODATA is an answer: the name exists, without records of this type.
  if (code === 'ENODATA') return { rcode: 'NOERROR', answers: [], authenticated: null, resolver };
  if (code === 'ECANCELLED' && signal?.aborted) {
    const deadline = (signal.reason as Error | undefined)?.name === 'TimeoutError';
    return { rcode: deadline ? 'TIMEOUT' : 'ERROR', answers: [], authenticated: null, resolver, error: 'query cancelled' };
  }
  const rcode = rcodeByErrorCode[code] ?? 'ERROR';
  const result: DnsResult = { rcode, answers: [], authenticated: null, resolver };
  if (rcode === 'TIMEOUT' || rcode === 'ERROR') result.error = `${code || 'error'}: ${describe(code, error.message)}`;
  return result;
}

function describe(code: string, message: string): string {
  if (code === 'ETIMEOUT') return 'no answer from the resolver in time';
  if (code === 'ECONNREFUSED') return 'the resolver refused the connection';
  return message;
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
