// A tiny authoritative-style DNS server on 127.0.0.1 for adapter and proxy tests: answers
// from a table, or with an rcode, or not at all (to make the client time out).
import dgram from 'node:dgram';
import * as dnsPacket from '@leichtgewicht/dns-packet';

export type FakeRecord =
  | { type: 'A' | 'AAAA' | 'CNAME'; data: string; ttl?: number }
  | { type: 'SRV'; data: { priority: number; weight: number; port: number; target: string }; ttl?: number };

export interface FakeName {
  records?: FakeRecord[];
  /** Answer every question for this name with this rcode and no records. */
  rcode?: 'SERVFAIL' | 'REFUSED' | 'NXDOMAIN';
  /** Never answer: the client must time out. */
  drop?: boolean;
  /** Answers validated with DNSSEC, like a validating resolver's: the AD flag, for queries with the DO bit. */
  validated?: boolean;
}

export interface FakeDnsServer {
  /** "127.0.0.1:port" for Resolver#setServers / FEDCHECK_DNS_SERVERS. */
  address: string;
  zone: Map<string, FakeName>;
  queries: { name: string; type: string }[];
  close(): Promise<void>;
}

/**
 * Names not in the zone get NXDOMAIN. CNAMEs are chased inside the zone like a recursive
 * resolver would, so an A question for an alias gets the CNAME chain and the addresses.
 */
export async function startFakeDns(zone: Record<string, FakeName>): Promise<FakeDnsServer> {
  const socket = dgram.createSocket('udp4');
  const table = new Map(Object.entries(zone).map(([name, entry]) => [name.toLowerCase(), entry]));
  const queries: { name: string; type: string }[] = [];
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    queries.push({ name: question.name, type: question.type });
    let name = question.name.toLowerCase();
    let entry = table.get(name);
    if (entry?.drop) return;
    const answers: dnsPacket.Answer[] = [];
    for (let hops = 0; entry && !entry.rcode && hops < 10; hops++) {
      const matching = (entry.records ?? []).filter((r) => r.type === question.type);
      const alias = (entry.records ?? []).find((r) => r.type === 'CNAME');
      const owner = name;
      answers.push(...matching.map((r) => ({ name: owner, type: r.type, ttl: r.ttl ?? 300, class: 'IN', data: r.data }) as dnsPacket.Answer));
      if (matching.length > 0 || !alias || question.type === 'CNAME') break;
      answers.push({ name: owner, type: 'CNAME', ttl: alias.ttl ?? 300, class: 'IN', data: alias.data as string });
      name = (alias.data as string).toLowerCase().replace(/\.$/, '');
      entry = table.get(name);
    }
    const rcode = entry?.rcode ?? (entry ? 'NOERROR' : 'NXDOMAIN');
    const dnssecOk = query.additionals?.some((record) => record.type === 'OPT' && ((record as unknown as { flags?: number }).flags ?? 0) & dnsPacket.DNSSEC_OK);
    const validated = table.get(question.name.toLowerCase())?.validated && dnssecOk ? dnsPacket.AUTHENTIC_DATA : 0;
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | dnsPacket.AUTHORITATIVE_ANSWER | validated | rcodeNumber[rcode],
      questions: [question],
      answers,
    });
    socket.send(response, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    zone: table,
    queries,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

const rcodeNumber = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;
