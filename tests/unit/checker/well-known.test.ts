import { describe, expect, it } from 'vitest';
import type { HttpResult } from '../../../src/checker/interfaces.ts';
import {
  interpretClientVersions,
  interpretClientWellKnown,
  interpretServerWellKnown,
  interpretSupportWellKnown,
  wellKnownCacheLifetime,
} from '../../../src/checker/well-known.ts';

const NOW = Date.parse('2026-11-26T12:00:00Z');

function response(status: number, body: string | object, headers: Record<string, string> = {}): HttpResult {
  return { ok: true, url: 'https://example.org/x', status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), redirects: [], elapsedMs: 1 };
}
function failure(kind: 'connect' | 'too-large' | 'redirect-loop' | 'tls', message: string = kind): HttpResult {
  return { ok: false, url: 'https://example.org/x', error: { kind, message }, redirects: [], elapsedMs: 1 };
}

describe('interpretServerWellKnown', () => {
  it('reads a valid delegation', () => {
    expect(interpretServerWellKnown(response(200, { 'm.server': 'matrix.example.org:443' }))).toEqual({
      valid: true,
      mServer: 'matrix.example.org:443',
      delegated: { input: 'matrix.example.org:443', host: 'matrix.example.org', port: 443, hostKind: 'dns' },
      warnings: [],
    });
  });

  it('passes on the server-name warnings of m.server', () => {
    const result = interpretServerWellKnown(response(200, { 'm.server': 'Matrix.example.org' }));
    expect(result.valid && result.warnings[0]).toMatch(/upper-case/);
  });

  it.each([
    ['a 404', response(404, ''), 'status', 'HTTP 404, not 200'],
    ['a 204', response(204, ''), 'status', 'HTTP 204, not 200'],
    ['an empty body', response(200, ''), 'empty', 'the body is empty'],
    ['not JSON', response(200, '<html>'), 'not-json', /not JSON/],
    ['a JSON array', response(200, '[]'), 'not-object', 'the body is JSON but an array, not an object'],
    ['a JSON string', response(200, '"x"'), 'not-object', 'the body is JSON but a string, not an object'],
    ['no m.server', response(200, {}), 'm-server-missing', 'there is no "m.server" key'],
    ['m.server a number', response(200, { 'm.server': 1 }), 'm-server-not-string', '"m.server" is a number, not a string'],
    ['m.server null', response(200, { 'm.server': null }), 'm-server-not-string', '"m.server" is null, not a string'],
    ['m.server empty', response(200, { 'm.server': '' }), 'm-server-empty', '"m.server" is an empty string'],
    ['m.server a URL', response(200, { 'm.server': 'https://matrix.example.org' }), 'm-server-invalid', /no scheme/],
    ['m.server with a path', response(200, { 'm.server': 'matrix.example.org/matrix' }), 'm-server-invalid', /no path/],
    ['m.server with a bad port', response(200, { 'm.server': 'matrix.example.org:99999' }), 'm-server-invalid', /port must be 1-65535/],
    ['a body over the limit', failure('too-large'), 'too-large', 'the body is over 51200 bytes'],
    ['a redirect loop', failure('redirect-loop', 'loop at /a'), 'redirect', 'loop at /a'],
    ['a TLS failure', failure('tls', 'CERT_HAS_EXPIRED'), 'unreachable', 'tls error: CERT_HAS_EXPIRED'],
  ])('%s is invalid', (_name, input, problem, reason) => {
    const result = interpretServerWellKnown(input);
    expect(result).toMatchObject({ valid: false, problem });
    if (!result.valid) expect(result.reason).toMatch(reason);
  });

  it('survives 100,000-deep JSON', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(interpretServerWellKnown(response(200, deep))).toMatchObject({ valid: false, problem: 'not-object' });
    expect(interpretServerWellKnown(response(200, `{"m.server":${deep}}`))).toMatchObject({ valid: false, problem: 'm-server-not-string' });
  });
});

describe('wellKnownCacheLifetime (Part C 14)', () => {
  it.each([
    [{}, { effectiveSeconds: 86400, source: 'default' }],
    [{ 'cache-control': 'max-age=3600' }, { effectiveSeconds: 3600, source: 'max-age', requestedSeconds: 3600 }],
    [{ 'cache-control': 'public, MAX-AGE=7200' }, { effectiveSeconds: 7200, source: 'max-age', requestedSeconds: 7200 }],
    [{ 'cache-control': 'max-age=0' }, { effectiveSeconds: 300, source: 'max-age', requestedSeconds: 0 }],
    [{ 'cache-control': 'no-store, max-age=3600' }, { effectiveSeconds: 300, source: 'no-store', requestedSeconds: 0 }],
    [{ 'cache-control': 'max-age=604800' }, { effectiveSeconds: 172800, source: 'max-age', requestedSeconds: 604800 }],
    [{ expires: 'Thu, 26 Nov 2026 14:00:00 GMT' }, { effectiveSeconds: 7200, source: 'expires', requestedSeconds: 7200 }],
    [{ expires: 'Thu, 26 Nov 2026 14:00:00 GMT', date: 'Thu, 26 Nov 2026 13:00:00 GMT' }, { effectiveSeconds: 3600, source: 'expires', requestedSeconds: 3600 }],
    [{ expires: 'garbage' }, { effectiveSeconds: 300, source: 'expires', requestedSeconds: 0 }],
    [{ expires: 'Thu, 26 Nov 2026 14:00:00 GMT', 'cache-control': 'max-age=600' }, { effectiveSeconds: 600, source: 'max-age', requestedSeconds: 600 }],
  ])('%j', (headers, lifetime) => {
    expect(wellKnownCacheLifetime(headers, NOW)).toEqual(lifetime);
  });
});

describe('interpretClientWellKnown (client-server API discovery outcomes)', () => {
  it.each([
    ['404', response(404, ''), 'IGNORE'],
    ['500', response(500, ''), 'FAIL_PROMPT'],
    ['an empty 200', response(200, ''), 'FAIL_PROMPT'],
    ['not JSON', response(200, 'nope'), 'FAIL_PROMPT'],
    ['no m.homeserver', response(200, {}), 'FAIL_PROMPT'],
    ['no base_url', response(200, { 'm.homeserver': {} }), 'FAIL_PROMPT'],
    ['base_url not a URL', response(200, { 'm.homeserver': { base_url: 'matrix.example.org' } }), 'FAIL_ERROR'],
    ['base_url with another scheme', response(200, { 'm.homeserver': { base_url: 'ftp://matrix.example.org' } }), 'FAIL_ERROR'],
    ['identity server without base_url', response(200, { 'm.homeserver': { base_url: 'https://m.example.org' }, 'm.identity_server': {} }), 'FAIL_PROMPT'],
    ['a connection failure', failure('connect'), 'FAIL_PROMPT'],
  ])('%s → %s', (_name, input, outcome) => {
    expect(interpretClientWellKnown(input).outcome).toBe(outcome);
  });

  it('strips the trailing slash of base_url', () => {
    expect(interpretClientWellKnown(response(200, { 'm.homeserver': { base_url: 'https://matrix.example.org/' } }))).toEqual({
      outcome: 'VALIDATE',
      homeserverUrl: 'https://matrix.example.org',
    });
  });

  it('marks an unusable identity server without failing homeserver discovery (Part C 10)', () => {
    const result = interpretClientWellKnown(
      response(200, { 'm.homeserver': { base_url: 'https://m.example.org' }, 'm.identity_server': { base_url: 'not a url' } }),
    );
    expect(result).toMatchObject({ outcome: 'VALIDATE', identityServer: { ok: false } });
  });
});

describe('interpretClientVersions', () => {
  it('accepts a versions list', () => {
    expect(interpretClientVersions(response(200, { versions: ['r0.6.1', 'v1.11'], unstable_features: {} }))).toEqual({ ok: true, versions: ['r0.6.1', 'v1.11'], unstableFeatures: {} });
  });
  it('keeps the boolean unstable_features and drops the rest', () => {
    const body = { versions: ['v1.12'], unstable_features: { 'org.matrix.msc4140': true, 'org.matrix.msc3881': false, odd: 'yes', nested: {} } };
    expect(interpretClientVersions(response(200, body))).toEqual({ ok: true, versions: ['v1.12'], unstableFeatures: { 'org.matrix.msc4140': true, 'org.matrix.msc3881': false } });
    expect(interpretClientVersions(response(200, { versions: ['v1.12'], unstable_features: [] }))).toEqual({ ok: true, versions: ['v1.12'], unstableFeatures: {} });
  });
  it.each([[response(404, '')], [response(200, {})], [response(200, { versions: [1] })], [response(200, '[]')]])('rejects %#', (input) => {
    expect(interpretClientVersions(input).ok).toBe(false);
  });
});

describe('interpretSupportWellKnown (MSC1929)', () => {
  it('accepts the spec example', () => {
    const example = {
      contacts: [
        { matrix_id: '@admin:example.org', email_address: 'admin@example.org', role: 'm.role.admin' },
        { email_address: 'security@example.org', role: 'm.role.security' },
      ],
      support_page: 'https://example.org/support.html',
    };
    expect(interpretSupportWellKnown(response(200, example))).toEqual({
      status: 'valid',
      supportPage: 'https://example.org/support.html',
      warnings: [],
      contacts: [
        { where: 'contacts[0]', role: 'm.role.admin', matrixId: '@admin:example.org', email: 'admin@example.org' },
        { where: 'contacts[1]', role: 'm.role.security', email: 'security@example.org' },
      ],
    });
  });

  it('reads the DPO role (MSC4265), policies (MSC4266) and PGP keys (MSC4439), stable names before unstable ones', () => {
    const policies = { privacy_policy: { version: '1', en: { name: 'Privacy', url: 'https://example.org/p' } } };
    const result = interpretSupportWellKnown(response(200, {
      contacts: [
        { email_address: 'dpo@example.org', role: 'm.role.dpo', pgp_key: 'https://example.org/dpo.asc', 'dev.zirco.msc4439.pgp_key': 'ignored:x' },
        { matrix_id: '@dpo:example.org', role: 'org.matrix.msc4265.role.dpo', 'dev.zirco.msc4439.pgp_key': 'openpgp4fpr:AB' },
      ],
      'org.matrix.msc4266.policies': policies,
    }));
    expect(result).toEqual({
      status: 'valid',
      warnings: [],
      contacts: [
        { where: 'contacts[0]', role: 'm.role.dpo', email: 'dpo@example.org', pgpKey: { field: 'pgp_key', value: 'https://example.org/dpo.asc' } },
        { where: 'contacts[1]', role: 'org.matrix.msc4265.role.dpo', matrixId: '@dpo:example.org', pgpKey: { field: 'dev.zirco.msc4439.pgp_key', value: 'openpgp4fpr:AB' } },
      ],
      policies: { field: 'org.matrix.msc4266.policies', value: policies },
    });
  });

  it('accepts an email-only contact (etkecc/mrs#34)', () => {
    expect(interpretSupportWellKnown(response(200, { contacts: [{ email_address: 'a@example.org', role: 'm.role.admin' }] }))).toMatchObject({ status: 'valid', warnings: [] });
  });

  it('accepts only a support page, and namespaced roles', () => {
    expect(interpretSupportWellKnown(response(200, { support_page: 'https://example.org' }))).toMatchObject({ status: 'valid', contacts: [] });
    expect(interpretSupportWellKnown(response(200, { contacts: [{ matrix_id: '@a:b', role: 'org.example.moderator' }] }))).toMatchObject({ status: 'valid', warnings: [] });
  });

  it('flags the pre-spec "admins" list and unprefixed roles', () => {
    const result = interpretSupportWellKnown(response(200, { admins: [], contacts: [{ matrix_id: '@a:b', role: 'admin' }] }));
    expect(result).toMatchObject({ status: 'valid' });
    expect(result.status === 'valid' && result.warnings).toEqual([
      '"admins" is the pre-spec draft name; the spec calls the list "contacts"',
      'contacts[0].role "admin" is the pre-spec form; use "m.role.admin"',
    ]);
  });

  it.each([
    [{}, /neither "support_page" nor/],
    [{ contacts: [] }, /neither "support_page" nor/],
    [{ contacts: [{ role: 'm.role.admin' }] }, /neither "matrix_id" nor "email_address"/],
    [{ contacts: [{ matrix_id: 'admin', role: 'm.role.admin' }] }, /not a user ID/],
    [{ contacts: [{ email_address: 'nope', role: 'm.role.admin' }] }, /not an email address/],
    [{ contacts: [{ email_address: 'a@b' }] }, /role is missing/],
    [{ contacts: 'x' }, /"contacts" is not a list/],
    [{ support_page: 5 }, /"support_page" is not a URL/],
  ])('rejects %j', (body, problem) => {
    const result = interpretSupportWellKnown(response(200, body));
    expect(result.status).toBe('invalid');
    expect(result.status === 'invalid' && result.problems.join('\n')).toMatch(problem);
  });

  it('treats 404 as absent', () => {
    expect(interpretSupportWellKnown(response(404, '')).status).toBe('absent');
  });
});
