import { describe, expect, it } from 'vitest';
import { conduwuitHostHeader, parseServerName } from '../../../src/checker/server-name.ts';

describe('parseServerName: spec examples', () => {
  it.each([
    ['matrix.org', { host: 'matrix.org', hostKind: 'dns' }],
    ['matrix.org:8888', { host: 'matrix.org', port: 8888, hostKind: 'dns' }],
    ['1.2.3.4', { host: '1.2.3.4', hostKind: 'ipv4' }],
    ['1.2.3.4:1234', { host: '1.2.3.4', port: 1234, hostKind: 'ipv4' }],
    ['[1234:5678::abcd]', { host: '1234:5678::abcd', hostKind: 'ipv6' }],
    ['[1234:5678::abcd]:5678', { host: '1234:5678::abcd', port: 5678, hostKind: 'ipv6' }],
    ['[::ffff:1.2.3.4]', { host: '::ffff:1.2.3.4', hostKind: 'ipv6' }],
    ['localhost', { host: 'localhost', hostKind: 'dns' }],
    ['a-b.example:65535', { host: 'a-b.example', port: 65535, hostKind: 'dns' }],
  ])('%s is valid', (input, name) => {
    const result = parseServerName(input);
    expect(result).toEqual({ ok: true, name: { input, port: undefined, ...name }, warnings: [] });
  });
});

describe('parseServerName: rejections name the input and the problem', () => {
  it.each([
    ['', '"": server name is empty'],
    ['matrix.org:99999', '"matrix.org:99999": port must be 1-65535'],
    ['matrix.org:65536', '"matrix.org:65536": port must be 1-65535'],
    ['matrix.org:0', '"matrix.org:0": port must be 1-65535'],
    ['matrix.org:123456', '"matrix.org:123456": port must be 1-65535'],
    ['matrix.org:', '"matrix.org:": port is empty after ":"'],
    ['matrix.org:80a', '"matrix.org:80a": port "80a" must be digits'],
    ['[1.2.3.4]', '"[1.2.3.4]": "1.2.3.4" is not an IPv6 address'],
    ['[::1', '"[::1": missing "]" after the IPv6 address'],
    ['[::1]x', '"[::1]x": unexpected "x" after "]"; only ":port" may follow'],
    ['[::g]', '"[::g]": "::g" is not an IPv6 address'],
    ['[fe80::1%eth0]', '"[fe80::1%eth0]": "fe80::1%eth0" is not an IPv6 address'],
    ['1234:5678:80', '"1234:5678:80": more than one ":"; an IPv6 address must be in brackets, e.g. "[2001:db8::1]:8448"'],
    [':8448', '":8448": hostname is empty'],
    ['matrix .org', '"matrix .org": hostname contains " " at position 7; only letters, digits, "-" and "." are allowed'],
    ['mätrix.org', '"mätrix.org": hostname contains "ä" at position 2; server names are ASCII: write an internationalised name in its IDNA form, "xn--mtrix-gra.org"'],
    ['матрица.рф:8448', '"матрица.рф:8448": hostname contains "м" at position 1; server names are ASCII: write an internationalised name in its IDNA form, "xn--80aaxovl4a.xn--p1ai"'],
    ['bü cher.de', '"bü cher.de": hostname contains "ü" at position 2; only letters, digits, "-" and "." are allowed'],
    ['https://matrix.org', '"https://matrix.org": a server name has no scheme; give the bare name, e.g. "example.org"'],
    ['matrix.org/path', '"matrix.org/path": a server name has no path; remove everything from "/"'],
    [`${'a'.repeat(256)}`, `${JSON.stringify(`${'a'.repeat(80)}…`)}: hostname is 256 characters, the limit is 255`],
  ])('%j', (input, error) => {
    expect(parseServerName(input)).toEqual({ ok: false, error });
  });
});

describe('parseServerName: SHOULD-level rules are warnings (Part C 12)', () => {
  it.each([
    ['Matrix.org', /upper-case/],
    ['matrix.org.', /ends with "\."/],
    ['.matrix.org', /empty label/],
    ['matrix..org', /empty label/],
    [`${'a.'.repeat(116)}org`, /235 characters; the spec recommends at most 230/],
    ['matrix.org:08448', /leading zero/],
    ['256.1.1.1', /treated as a DNS name/],
  ])('%s', (input, warning) => {
    const result = parseServerName(input);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.warnings.join('\n')).toMatch(warning);
  });

  it('010.0.0.1 is checked as 10.0.0.1, with a warning that peers read it differently', () => {
    const result = parseServerName('010.0.0.1:8448');
    expect(result).toMatchObject({ ok: true, name: { input: '010.0.0.1:8448', host: '10.0.0.1', port: 8448, hostKind: 'ipv4' } });
    expect(result.ok && result.warnings).toEqual([expect.stringMatching(/"010\.0\.0\.1" has leading zeros: checked as 10\.0\.0\.1.*octal.*write 10\.0\.0\.1/)]);
    expect(parseServerName('10.0.0.1')).toMatchObject({ ok: true, warnings: [] });
    expect(parseServerName('100.0.0.10')).toMatchObject({ ok: true, warnings: [] });
  });

  it('256.1.1.1 is a DNS name, not an IPv4 literal', () => {
    const result = parseServerName('256.1.1.1');
    expect(result.ok && result.name.hostKind).toBe('dns');
  });
});

describe('conduwuitHostHeader: the Host a Conduwuit-family peer sends where it differs (Part C 8)', () => {
  it.each([
    ['matrix.example.org', 8448, 'matrix.example.org:8448'],
    ['[2001:db8::1]', 8448, '[2001:db8::1]:8448'],
    ['matrix.example.org', 8443, 'matrix.example.org:8443'],
    // reqwest drops a URL's default port, so on 443 those peers send the spec's Host.
    ['matrix.example.org', 443, undefined],
    ['[2001:db8::1]', 443, undefined],
    // The spec's Host already has a port: both send it.
    ['matrix.example.org:8448', 8448, undefined],
    ['[2001:db8::1]:8448', 8448, undefined],
  ])('%s on port %i: %s', (hostHeader, port, expected) => {
    expect(conduwuitHostHeader(hostHeader, port)).toBe(expected);
  });
});
