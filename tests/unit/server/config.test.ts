import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseRateLimit } from '../../../src/server/config.ts';

describe('server configuration from the environment', () => {
  it('has safe defaults', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 8080,
      dnsServers: [],
      allowPrivate: false,
      rateLimit: { burst: 30, windowMs: 60_000 },
      maxConcurrentReports: 8,
      maxQueuedReports: 500,
      queueTimeoutMs: 10_000,
      reportTimeoutMs: 20_000,
      reportReuseMs: 5000,
      trustProxy: false,
    });
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        HOST: '::',
        PORT: '9000',
        FEDCHECK_DNS_SERVERS: '127.0.0.1:5300, 9.9.9.9,[::1]:53,2001:db8::53',
        FEDCHECK_ALLOW_PRIVATE: '1',
        FEDCHECK_RATE_LIMIT: '100/1h',
        FEDCHECK_MAX_CONCURRENT: '2',
        FEDCHECK_MAX_QUEUED: '0',
        FEDCHECK_QUEUE_TIMEOUT_MS: '2500',
        FEDCHECK_REPORT_TIMEOUT_MS: '5000',
        FEDCHECK_REPORT_REUSE_MS: '0',
        FEDCHECK_TRUST_PROXY: 'true',
        FEDCHECK_SITE_DIR: '/srv/fedcheck-site',
      }),
    ).toEqual({
      host: '::',
      port: 9000,
      dnsServers: ['127.0.0.1:5300', '9.9.9.9', '[::1]:53', '2001:db8::53'],
      allowPrivate: true,
      rateLimit: { burst: 100, windowMs: 3_600_000 },
      maxConcurrentReports: 2,
      maxQueuedReports: 0,
      queueTimeoutMs: 2500,
      reportTimeoutMs: 5000,
      reportReuseMs: 0,
      trustProxy: true,
      siteDir: '/srv/fedcheck-site',
    });
  });

  it.each([
    ['30/60s', { burst: 30, windowMs: 60_000 }],
    ['5/s', { burst: 5, windowMs: 1000 }],
    ['20/m', { burst: 20, windowMs: 60_000 }],
    ['20 / 2min', { burst: 20, windowMs: 120_000 }],
    ['10/500ms', { burst: 10, windowMs: 500 }],
    ['45', { burst: 45, windowMs: 60_000 }],
    ['0', null],
    ['off', null],
    ['OFF', null],
  ])('parses the rate limit %j', (text, expected) => {
    expect(parseRateLimit(text)).toEqual(expected);
  });

  it('names every bad variable and what it accepts, all at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        FEDCHECK_DNS_SERVERS: '127.0.0.1:99999,dns.example',
        FEDCHECK_ALLOW_PRIVATE: 'maybe',
        FEDCHECK_RATE_LIMIT: '30 per minute',
        FEDCHECK_MAX_CONCURRENT: '0',
        FEDCHECK_MAX_QUEUED: 'many',
        FEDCHECK_QUEUE_TIMEOUT_MS: '10',
        FEDCHECK_REPORT_TIMEOUT_MS: '-5',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'PORT="eighty": expected a whole number from 0 to 65535',
      'FEDCHECK_DNS_SERVERS="127.0.0.1:99999,dns.example": not a DNS server address: 127.0.0.1:99999, dns.example; expected "ip", "ip:port" or "[ipv6]:port", comma-separated',
      'FEDCHECK_ALLOW_PRIVATE="maybe": expected 1 or 0',
      'FEDCHECK_RATE_LIMIT="30 per minute": expected e.g. "30/60s", "100/1h", a number per minute, or "off"',
      'FEDCHECK_MAX_CONCURRENT="0": expected a whole number from 1 to 10000',
      'FEDCHECK_MAX_QUEUED="many": expected a whole number from 0 to 100000',
      'FEDCHECK_QUEUE_TIMEOUT_MS="10": expected a whole number from 100 to 600000',
      'FEDCHECK_REPORT_TIMEOUT_MS="-5": expected a whole number from 1000 to 600000',
    ]);
    expect((error as Error).message).toMatch(/^invalid configuration:\n  - PORT=/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', FEDCHECK_RATE_LIMIT: ' ' }).port).toBe(8080);
  });
});
