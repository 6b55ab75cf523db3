// Environment → typed server configuration. Every bad value is reported at once, with
// the variable name and what would be accepted, before the server starts.
import net from 'node:net';

export interface RateLimit {
  /** Reports a client may ask for in a burst. */
  burst: number;
  /** Time for the whole burst to refill, in ms. */
  windowMs: number;
}

export interface ServerConfig {
  host: string;
  port: number;
  /** "ip" or "ip:port" / "[ipv6]:port"; empty means the system resolvers. */
  dnsServers: string[];
  allowPrivate: boolean;
  /** null: no rate limit. */
  rateLimit: RateLimit | null;
  maxConcurrentReports: number;
  /** Report requests that may wait for a place beyond those running; 0: refuse at once. */
  maxQueuedReports: number;
  /** How long one request may wait for its place, before its report's own deadline starts. */
  queueTimeoutMs: number;
  reportTimeoutMs: number;
  /** How long a report answers further requests for the same server name. */
  reportReuseMs: number;
  /** Take the client address from X-Forwarded-For (only behind a reverse proxy you run). */
  trustProxy: boolean;
  /** A prebuilt site to serve as it is, instead of building dist/ when it is stale. */
  siteDir?: string;
  /** FEDCHECK_SERVER_NAME and FEDCHECK_KEY_FILE: fedcheck's own federation identity (identity.ts). */
  identity?: { serverName: string; keyFile: string };
  /** FEDCHECK_TLS_CERT and FEDCHECK_TLS_KEY (PEM files): serve HTTPS without a reverse proxy. */
  tls?: { certFile: string; keyFile: string };
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** What a parser returns for text it cannot accept. */
export class Invalid {
  readonly expected: string;
  constructor(expected: string) {
    this.expected = expected;
  }
}

export const defaults = {
  host: '127.0.0.1',
  port: 8080,
  maxConcurrentReports: 8,
  maxQueuedReports: 500,
  queueTimeoutMs: 10_000,
  reportTimeoutMs: 20_000,
  reportReuseMs: 5000,
} as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const problems: string[] = [];
  const read = <T>(name: string, parse: (text: string) => T | Invalid, fallback: T): T => {
    const text = env[name]?.trim();
    if (text === undefined || text === '') return fallback;
    const value = parse(text);
    if (value instanceof Invalid) {
      problems.push(`${name}=${JSON.stringify(text)}: ${value.expected}`);
      return fallback;
    }
    return value;
  };

  const config: ServerConfig = {
    host: read('HOST', (text) => text, defaults.host),
    port: read('PORT', integerIn(0, 65535), defaults.port),
    dnsServers: read('FEDCHECK_DNS_SERVERS', parseDnsServers, []),
    allowPrivate: read('FEDCHECK_ALLOW_PRIVATE', parseFlag, false),
    rateLimit: read('FEDCHECK_RATE_LIMIT', parseRateLimit, { burst: 30, windowMs: 60_000 }),
    maxConcurrentReports: read('FEDCHECK_MAX_CONCURRENT', integerIn(1, 10_000), defaults.maxConcurrentReports),
    maxQueuedReports: read('FEDCHECK_MAX_QUEUED', integerIn(0, 100_000), defaults.maxQueuedReports),
    queueTimeoutMs: read('FEDCHECK_QUEUE_TIMEOUT_MS', integerIn(100, 600_000), defaults.queueTimeoutMs),
    reportTimeoutMs: read('FEDCHECK_REPORT_TIMEOUT_MS', integerIn(1000, 600_000), defaults.reportTimeoutMs),
    reportReuseMs: read('FEDCHECK_REPORT_REUSE_MS', integerIn(0, 600_000), defaults.reportReuseMs),
    trustProxy: read('FEDCHECK_TRUST_PROXY', parseFlag, false),
  };
  const siteDir = env.FEDCHECK_SITE_DIR?.trim();
  if (siteDir) config.siteDir = siteDir;
  const serverName = env.FEDCHECK_SERVER_NAME?.trim();
  const keyFile = env.FEDCHECK_KEY_FILE?.trim();
  if (serverName && keyFile) config.identity = { serverName, keyFile };
  else if (serverName) problems.push('FEDCHECK_SERVER_NAME needs FEDCHECK_KEY_FILE: the file that keeps its signing key (created on first start)');
  else if (keyFile) problems.push('FEDCHECK_KEY_FILE is set without FEDCHECK_SERVER_NAME: give the public name whose HTTPS reaches fedcheck');
  const tlsCert = env.FEDCHECK_TLS_CERT?.trim();
  const tlsKey = env.FEDCHECK_TLS_KEY?.trim();
  if (tlsCert && tlsKey) config.tls = { certFile: tlsCert, keyFile: tlsKey };
  else if (tlsCert || tlsKey) problems.push('FEDCHECK_TLS_CERT and FEDCHECK_TLS_KEY go together: the certificate chain and its private key, PEM files');
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function integerIn(min: number, max: number) {
  return (text: string): number | Invalid => {
    const value = Number(text);
    return /^\d+$/.test(text) && value >= min && value <= max ? value : new Invalid(`expected a whole number from ${min} to ${max}`);
  };
}

function parseFlag(text: string): boolean | Invalid {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  return new Invalid('expected 1 or 0');
}

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** "30/60s", "100/1h", "20/m", a bare number per minute, or "0"/"off" for no limit. */
export function parseRateLimit(text: string): RateLimit | null | Invalid {
  if (/^(0|off)$/i.test(text)) return null;
  if (/^\d+$/.test(text)) return { burst: Number(text), windowMs: 60_000 };
  const match = /^(\d+)\s*\/\s*(\d*)\s*(ms|s|min|m|h)$/i.exec(text);
  const burst = Number(match?.[1]);
  const windowMs = Number(match?.[2] || 1) * (unitMs[match?.[3]?.toLowerCase() ?? ''] ?? NaN);
  if (!match || burst < 1 || !(windowMs > 0)) return new Invalid('expected e.g. "30/60s", "100/1h", a number per minute, or "off"');
  return { burst, windowMs };
}

/** Comma-separated "ip", "ip:port" or "[ipv6]:port", the forms Resolver#setServers takes. */
export function parseDnsServers(text: string): string[] | Invalid {
  const servers = text.split(',').map((s) => s.trim()).filter(Boolean);
  const invalid = servers.filter((server) => {
    const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(server) ?? /^([^:]+)(?::(\d+))?$/.exec(server) ?? [server, server];
    const [, ip, port] = match;
    return !net.isIP(ip) || (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535));
  });
  if (servers.length === 0 || invalid.length > 0) {
    return new Invalid(`not a DNS server address: ${invalid.join(', ') || '(empty)'}; expected "ip", "ip:port" or "[ipv6]:port", comma-separated`);
  }
  return servers;
}
