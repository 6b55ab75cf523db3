// RFC 1035 wire format for the four record types the checker asks about, for RFC 8484
// DoH from the browser. @leichtgewicht/dns-packet does this too, but it cannot be
// tree-shaken and costs 7.3 KB gzip of the island's 25 KB budget; its codec is the
// oracle in tests/unit/adapters-browser/dns-wire.test.ts.
import type { DnsAnswer, RecordType } from '../../checker/interfaces.ts';
import { formatAddress } from '../../checker/ip.ts';

const TYPE_CODES: Record<RecordType, number> = { A: 1, CNAME: 5, AAAA: 28, SRV: 33 };
const TYPE_NAMES = new Map(Object.entries(TYPE_CODES).map(([name, code]) => [code, name as RecordType]));
const CLASS_IN = 1;
const FLAG_RD = 0x0100;
const FLAG_AD = 0x0020;
const MAX_POINTER_JUMPS = 64;

export interface WireResponse {
  /** The RCODE number from the header (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED …). */
  rcode: number;
  authenticated: boolean;
  /** Answer-section records of the four known types; others (RRSIG, DNAME …) are skipped. */
  answers: DnsAnswer[];
}

/**
 * A recursive query with ID 0 (RFC 8484 asks for 0 so HTTP caches can share answers) and
 * the AD bit set, which asks a validating resolver to report DNSSEC status (RFC 6840 5.7).
 */
export function encodeQuery(name: string, type: RecordType): Uint8Array {
  const labels = name.replace(/\.$/, '').split('.').filter((label) => label !== '');
  const encoder = new TextEncoder();
  const encoded = labels.map((label) => encoder.encode(label));
  const bytes = new Uint8Array(12 + encoded.reduce((sum, label) => sum + label.length + 1, 0) + 1 + 4);
  const view = new DataView(bytes.buffer);
  view.setUint16(2, FLAG_RD | FLAG_AD);
  view.setUint16(4, 1);
  let offset = 12;
  for (const label of encoded) {
    if (label.length > 63) throw new Error(`DNS label longer than 63 bytes in ${JSON.stringify(name)}`);
    bytes[offset++] = label.length;
    bytes.set(label, offset);
    offset += label.length;
  }
  bytes[offset++] = 0;
  view.setUint16(offset, TYPE_CODES[type]);
  view.setUint16(offset + 2, CLASS_IN);
  return bytes;
}

export function decodeResponse(bytes: Uint8Array): WireResponse {
  if (bytes.length < 12) throw new Error(`DNS message of ${bytes.length} bytes is shorter than its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = view.getUint16(2);
  const questions = view.getUint16(4);
  const answerCount = view.getUint16(6);
  let offset = 12;
  for (let i = 0; i < questions; i++) offset = readName(bytes, offset).next + 4;
  const answers: DnsAnswer[] = [];
  for (let i = 0; i < answerCount; i++) {
    const owner = readName(bytes, offset);
    offset = owner.next;
    const typeCode = view.getUint16(offset);
    const ttl = view.getUint32(offset + 4);
    const length = view.getUint16(offset + 8);
    const start = offset + 10;
    offset = start + length;
    if (offset > bytes.length) throw new Error('DNS record runs past the end of the message');
    const type = TYPE_NAMES.get(typeCode);
    if (!type || view.getUint16(owner.next + 2) !== CLASS_IN) continue;
    answers.push({ name: owner.name, type, ttl, data: readData(bytes, view, type, start, length) });
  }
  return { rcode: flags & 0x000f, authenticated: (flags & FLAG_AD) !== 0, answers };
}

function readData(bytes: Uint8Array, view: DataView, type: RecordType, start: number, length: number): DnsAnswer['data'] {
  switch (type) {
    case 'A':
    case 'AAAA':
      if (length !== (type === 'A' ? 4 : 16)) throw new Error(`${type} record with ${length} bytes of data`);
      return formatAddress(bytes.subarray(start, start + length));
    case 'CNAME':
      return readName(bytes, start).name;
    case 'SRV': {
      const target = readName(bytes, start + 6).name;
      return {
        priority: view.getUint16(start),
        weight: view.getUint16(start + 2),
        port: view.getUint16(start + 4),
        target: target === '' ? '.' : target,
      };
    }
  }
}

/** Reads a possibly compressed name: lower case, no trailing dot, "" for the root. */
function readName(bytes: Uint8Array, start: number): { name: string; next: number } {
  const labels: string[] = [];
  const decoder = new TextDecoder();
  let offset = start;
  let next = -1;
  for (let jumps = 0; ; ) {
    if (offset >= bytes.length) throw new Error('DNS name runs past the end of the message');
    const length = bytes[offset];
    if (length === 0) break;
    if ((length & 0xc0) === 0xc0) {
      if (++jumps > MAX_POINTER_JUMPS) throw new Error('DNS name compression loop');
      if (next < 0) next = offset + 2;
      offset = ((length & 0x3f) << 8) | bytes[offset + 1];
      continue;
    }
    labels.push(decoder.decode(bytes.subarray(offset + 1, offset + 1 + length)));
    offset += 1 + length;
  }
  return { name: labels.join('.').toLowerCase(), next: next < 0 ? offset + 1 : next };
}

/** RFC 4648 base64url without padding, as RFC 8484's `?dns=` parameter wants it. */
export function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
