import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as packet from '@leichtgewicht/dns-packet';
import { base64url, decodeResponse, encodeQuery } from '../../../src/adapters/browser/dns-wire.ts';

const recorded = (file: string) =>
  Uint8Array.from(Buffer.from(readFileSync(new URL(`recorded/${file}`, import.meta.url), 'utf8').trim(), 'hex'));

describe('DNS wire format', () => {
  it('encodes a recursive query with ID 0 and the AD bit, as dns-packet reads it', () => {
    const decoded = packet.decode(encodeQuery('_matrix-fed._tcp.Example.org.', 'SRV'));
    expect(decoded.id).toBe(0);
    expect(decoded.flags! & packet.RECURSION_DESIRED).toBeTruthy();
    expect(decoded.flags! & packet.AUTHENTIC_DATA).toBeTruthy();
    expect(decoded.questions).toEqual([{ name: '_matrix-fed._tcp.Example.org', type: 'SRV', class: 'IN' }]);
  });

  it('refuses a label over 63 bytes instead of sending a broken query', () => {
    expect(() => encodeQuery(`${'a'.repeat(64)}.org`, 'A')).toThrow(/63/);
  });

  it('decodes compressed SRV answers recorded from knot', () => {
    expect(decodeResponse(recorded('knot-srv.hex'))).toEqual({
      rcode: 0,
      authenticated: false,
      answers: [
        { name: '_matrix-fed._tcp.example.org', type: 'SRV', ttl: 3600, data: { priority: 10, weight: 5, port: 8448, target: 'matrix.example.org' } },
        { name: '_matrix-fed._tcp.example.org', type: 'SRV', ttl: 3600, data: { priority: 20, weight: 0, port: 443, target: 'backup.example.net' } },
      ],
    });
  });

  it('keeps the CNAME chain and formats IPv6 per RFC 5952', () => {
    expect(decodeResponse(recorded('knot-cname-aaaa.hex')).answers).toEqual([
      { name: 'chat.example.org', type: 'CNAME', ttl: 3600, data: 'matrix.example.org' },
      { name: 'matrix.example.org', type: 'AAAA', ttl: 3600, data: '2001:db8::10' },
    ]);
  });

  it('reads NXDOMAIN and NODATA from the header, ignoring the SOA in authority', () => {
    expect(decodeResponse(recorded('knot-nxdomain.hex'))).toMatchObject({ rcode: 3, answers: [] });
    expect(decodeResponse(recorded('knot-nodata.hex'))).toMatchObject({ rcode: 0, answers: [] });
  });

  it('keeps "." as the SRV target that means "no service here"', () => {
    const [answer] = decodeResponse(recorded('knot-srv-dot.hex')).answers;
    expect(answer.data).toEqual({ priority: 0, weight: 0, port: 0, target: '.' });
  });

  it('reads SERVFAIL and the AD bit, and skips record types it does not know', () => {
    const bytes = packet.encode({
      type: 'response',
      id: 0,
      flags: packet.AUTHENTIC_DATA | packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE,
      questions: [{ type: 'A', name: 'example.org' }],
      answers: [
        { type: 'TXT', name: 'example.org', data: 'hello' },
        { type: 'A', name: 'Example.ORG', ttl: 60, data: '192.0.2.1' },
      ],
    });
    expect(decodeResponse(bytes)).toEqual({
      rcode: 0,
      authenticated: true,
      answers: [{ name: 'example.org', type: 'A', ttl: 60, data: '192.0.2.1' }],
    });
    const servfail = packet.encode({ type: 'response', id: 0, flags: 2, questions: [{ type: 'A', name: 'example.org' }] });
    expect(decodeResponse(servfail)).toMatchObject({ rcode: 2, authenticated: false });
  });

  it('rejects truncated messages and compression loops', () => {
    expect(() => decodeResponse(recorded('knot-srv.hex').subarray(0, 40))).toThrow();
    const loop = Uint8Array.from([0, 0, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    expect(() => decodeResponse(loop)).toThrow(/loop/);
  });

  it('encodes base64url without padding', () => {
    expect(base64url(Uint8Array.from([0xfb, 0xff, 0xfe]))).toBe('-__-');
    expect(base64url(Uint8Array.from([1]))).toBe('AQ');
  });
});
