// Server name grammar (spec appendix "Server Name"), also used for `m.server` values.
// Hard errors are the grammar and the port range (Part C 11); the SHOULD-level rules
// (case, length, labels) are warnings because peers disagree on them (Part C 12).
import { parseAddress } from './ip.ts';

export type HostKind = 'dns' | 'ipv4' | 'ipv6';

export interface ServerName {
  /** The text as given; the spec treats server names case-sensitively. */
  input: string;
  /** Hostname, IPv4 address, or IPv6 address without brackets. */
  host: string;
  port?: number;
  hostKind: HostKind;
}

export type ServerNameParse =
  | { ok: true; name: ServerName; warnings: string[] }
  | { ok: false; error: string };

export const DEFAULT_FEDERATION_PORT = 8448;
const RECOMMENDED_MAX_LENGTH = 230;
const MAX_HOSTNAME_LENGTH = 255;
const IPV6_CHARS = /^[0-9A-Fa-f:.]{2,45}$/;
const DNS_CHARS = /^[A-Za-z0-9.-]+$/;
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** Quotes untrusted text for messages: JSON escaping, cut to a readable length. */
export function quote(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return JSON.stringify(shown);
}

export function parseServerName(input: string): ServerNameParse {
  const fail = (problem: string): ServerNameParse => ({ ok: false, error: `${quote(input)}: ${problem}` });
  if (typeof input !== 'string' || input === '') return fail('server name is empty');
  if (URL_SCHEME.test(input)) return fail('a server name has no scheme; give the bare name, e.g. "example.org"');
  if (input.includes('/')) return fail('a server name has no path; remove everything from "/"');

  let host: string;
  let hostKind: HostKind;
  let portText: string | undefined;
  if (input.startsWith('[')) {
    const close = input.indexOf(']');
    if (close < 0) return fail('missing "]" after the IPv6 address');
    host = input.slice(1, close);
    if (!IPV6_CHARS.test(host) || parseAddress(host)?.family !== 6) {
      return fail(`${quote(host)} is not an IPv6 address`);
    }
    hostKind = 'ipv6';
    const rest = input.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return fail(`unexpected ${quote(rest)} after "]"; only ":port" may follow`);
      portText = rest.slice(1);
    }
  } else {
    const colon = input.indexOf(':');
    host = colon < 0 ? input : input.slice(0, colon);
    if (colon >= 0) {
      portText = input.slice(colon + 1);
      if (portText.includes(':')) {
        return fail('more than one ":"; an IPv6 address must be in brackets, e.g. "[2001:db8::1]:8448"');
      }
    }
    if (host === '') return fail('hostname is empty');
    if (host.length > MAX_HOSTNAME_LENGTH) return fail(`hostname is ${host.length} characters, the limit is 255`);
    const bad = [...host].findIndex((ch) => !DNS_CHARS.test(ch));
    if (bad >= 0) {
      const found = `hostname contains ${quote([...host][bad])} at position ${bad + 1}`;
      const aLabels = idnaForm(host);
      if (aLabels) return fail(`${found}; server names are ASCII: write an internationalised name in its IDNA form, ${quote(aLabels)}`);
      return fail(`${found}; only letters, digits, "-" and "." are allowed`);
    }
    hostKind = isIpv4Literal(host) ? 'ipv4' : 'dns';
  }

  const warnings: string[] = [];
  if (hostKind === 'ipv4' && /(^|\.)0\d/.test(host)) {
    const decimal = host.split('.').map(Number).join('.');
    warnings.push(
      `IPv4 address ${quote(host)} has leading zeros: checked as ${decimal}, but peers differ (some read such octets as octal, others take the name for a hostname); write ${decimal}`,
    );
    host = decimal;
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (portText === '') return fail('port is empty after ":"');
    if (!/^\d+$/.test(portText)) return fail(`port ${quote(portText)} must be digits`);
    port = Number(portText);
    if (portText.length > 5 || port < 1 || port > 65535) return fail('port must be 1-65535');
    if (portText.startsWith('0')) warnings.push(`port ${quote(portText)} has a leading zero; write ${port}`);
  }

  if (input.length > RECOMMENDED_MAX_LENGTH) {
    warnings.push(`server name is ${input.length} characters; the spec recommends at most ${RECOMMENDED_MAX_LENGTH}`);
  }
  if (/[A-Z]/.test(input)) {
    warnings.push('server name has upper-case characters; server names are case-sensitive and should be lower case');
  }
  if (hostKind === 'dns') warnings.push(...labelWarnings(host));
  return { ok: true, name: { input, host, port, hostKind }, warnings };
}

function labelWarnings(host: string): string[] {
  const warnings: string[] = [];
  const trailingDot = host.endsWith('.');
  if (trailingDot) warnings.push('hostname ends with "."; Synapse rejects it and other servers treat it as a different name');
  const labels = (trailingDot ? host.slice(0, -1) : host).split('.');
  if (labels.some((label) => label === '')) {
    warnings.push('hostname has an empty label (leading "." or ".."); Synapse rejects it');
  }
  if (DOTTED_QUAD.test(host)) warnings.push('hostname looks like an IPv4 address but an octet is over 255, so it is treated as a DNS name');
  return warnings;
}

/** "bücher.de" → "xn--bcher-kva.de", by the WHATWG URL parser's IDNA; null when that does not give a DNS name. */
function idnaForm(host: string): string | null {
  if (!/[^\x00-\x7f]/.test(host) || !URL.canParse(`http://${host}/`)) return null;
  const { hostname } = new URL(`http://${host}/`);
  return DNS_CHARS.test(hostname) ? hostname : null;
}

function isIpv4Literal(host: string): boolean {
  const octets = DOTTED_QUAD.exec(host);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}

export function isIpLiteral(name: ServerName): boolean {
  return name.hostKind !== 'dns';
}

/** The host as it appears in a URL or Host header: IPv6 in brackets. */
export function hostForUrl(name: Pick<ServerName, 'host' | 'hostKind'>): string {
  return name.hostKind === 'ipv6' ? `[${name.host}]` : name.host;
}

/** Whether a Host header value (`name`, `name:port`, `[v6]`, `[v6]:port`) ends in a port. */
export function hostHasPort(hostHeader: string): boolean {
  return /:\d+$/.test(hostHeader);
}

const HTTPS_DEFAULT_PORT = 443;

/**
 * The Host header that Conduwuit-family peers (tuwunel and others) send where it differs from
 * the spec's (Part C 8): they request `https://<name>:<port>/…`, so Host carries the port
 * whenever the spec's has none. Their HTTP client (reqwest) drops a URL's default port, so on
 * 443 they send the spec's Host after all. Undefined when the two are the same.
 */
export function conduwuitHostHeader(hostHeader: string, port: number): string | undefined {
  return hostHasPort(hostHeader) || port === HTTPS_DEFAULT_PORT ? undefined : `${hostHeader}:${port}`;
}

/** The name to ask DNS for: lower case without the trailing dot. */
export function dnsQueryName(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}
