// fedcheck's own federation identity: the key file (created once, 0600, kept across restarts,
// never replaced), the signed keys, the three routes, and how fetches are attributed.
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeServerKeys } from '../../../src/checker/keys.ts';
import { loadConfig, ConfigError } from '../../../src/server/config.ts';
import { createApp } from '../../../src/server/app.ts';
import { createIdentity, delegatedName, identityRoutes, KEY_VALIDITY_MS, loadSigningKey } from '../../../src/server/identity.ts';

const tempFile = (name = 'fedcheck.key') => join(mkdtempSync(join(tmpdir(), 'fedcheck-identity-')), name);

describe('the signing key file', () => {
  it('is created once with mode 0600 and read back unchanged (same key id and key after a restart)', () => {
    const file = tempFile();
    const first = loadSigningKey(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.keyId).toMatch(/^ed25519:fc_[A-Za-z0-9]{8}$/);
    expect(readFileSync(file, 'utf8')).toMatch(/^ed25519 fc_[A-Za-z0-9]{8} [A-Za-z0-9+/]{43}\n$/);
    const again = loadSigningKey(file);
    expect(again.keyId).toBe(first.keyId);
    expect(again.publicKey).toBe(first.publicKey);
  });

  it('refuses a corrupt or foreign file with a message naming it, and leaves it as it was', () => {
    for (const content of ['', 'not a key\n', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n', 'ed25519 a_1 c2hvcnQ\n', 'ed25519 a 1 AAAA\n']) {
      const file = tempFile();
      writeFileSync(file, content);
      expect(() => loadSigningKey(file)).toThrow(ConfigError);
      expect(() => loadSigningKey(file)).toThrow(`FEDCHECK_KEY_FILE=${JSON.stringify(file)}: not a fedcheck signing key`);
      expect(readFileSync(file, 'utf8')).toBe(content);
    }
  });

  it('names the file when it cannot be created', () => {
    const file = join(tempFile(), 'missing-dir', 'key');
    expect(() => loadSigningKey(file)).toThrow(`FEDCHECK_KEY_FILE=${JSON.stringify(file)}: cannot create it (ENOENT)`);
  });

  it('reads a Synapse-format key (the spec test vector seed) to the spec public key', () => {
    const file = tempFile();
    writeFileSync(file, 'ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA0\n');
    expect(loadSigningKey(file)).toMatchObject({ keyId: 'ed25519:1', publicKey: 'XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI' });
  });
});

describe('configuration', () => {
  it('needs FEDCHECK_KEY_FILE with FEDCHECK_SERVER_NAME, and both TLS files together', () => {
    expect(() => loadConfig({ FEDCHECK_SERVER_NAME: 'fedcheck.example.org' })).toThrow(/FEDCHECK_SERVER_NAME needs FEDCHECK_KEY_FILE/);
    expect(() => loadConfig({ FEDCHECK_TLS_CERT: 'a.pem' })).toThrow(/FEDCHECK_TLS_CERT and FEDCHECK_TLS_KEY go together/);
    expect(loadConfig({ FEDCHECK_SERVER_NAME: 'a.example', FEDCHECK_KEY_FILE: '/k' }).identity).toEqual({ serverName: 'a.example', keyFile: '/k' });
  });

  it('refuses a server name that is not one', () => {
    expect(() => createIdentity({ serverName: 'a b', keyFile: tempFile() })).toThrow(/FEDCHECK_SERVER_NAME="a b"/);
  });
});

describe('the identity routes', () => {
  const now = 1_800_000_000_000;
  const make = (serverName = 'fedcheck.example.org') => {
    const identity = createIdentity({ serverName, keyFile: tempFile(), now: () => now });
    return { identity, app: identityRoutes(identity, { version: '9.9.9', trustProxy: true, now: () => now }) };
  };
  const fetchKeys = (app: ReturnType<typeof make>['app'], from: string, path = '/_matrix/key/v2/server') =>
    app.request(path, { headers: { 'x-forwarded-for': from, 'user-agent': 'Synapse/1.140.0', host: 'fedcheck.example.org:443' } });

  it('serve the delegation, the version and signed keys with a short, unique valid_until_ts', async () => {
    const { identity, app } = make();
    expect(await (await app.request('/.well-known/matrix/server')).json()).toEqual({ 'm.server': 'fedcheck.example.org:443' });
    expect(await (await app.request('/_matrix/federation/v1/version')).json()).toEqual({ server: { name: 'fedcheck', version: '9.9.9' } });
    const first = await (await fetchKeys(app, '192.0.2.1')).text();
    const second = await (await fetchKeys(app, '192.0.2.1', `/_matrix/key/v2/server/${identity.keyId}`)).text();
    const [a, b] = [JSON.parse(first), JSON.parse(second)];
    expect(a.valid_until_ts).toBe(now + KEY_VALIDITY_MS);
    expect(b.valid_until_ts).toBe(now + KEY_VALIDITY_MS + 1);
    expect(identity.nextMinimumValidUntil()).toBe(now + KEY_VALIDITY_MS + 2);
    const analysed = await analyzeServerKeys(first, 'fedcheck.example.org');
    expect(analysed).toMatchObject({ ok: true, serverName: 'fedcheck.example.org', verifyKeys: [{ id: identity.keyId, signature: { ok: true, padded: false } }] });
  });

  it('delegate to port 443 unless the name has a port', () => {
    expect(delegatedName('fedcheck.example.org')).toBe('fedcheck.example.org:443');
    expect(delegatedName('fedcheck.example.org:8448')).toBe('fedcheck.example.org:8448');
  });

  it('attribute a fetch only to the test that was waiting when it came, once; a fetch while nobody waits is kept nowhere', async () => {
    const { identity, app } = make();
    const unsolicited = (await (await fetchKeys(app, '192.0.2.9')).json()).valid_until_ts;
    const one = identity.watch();
    const two = identity.watch();
    expect(one.anyFetchSince()).toBe(false);
    const forOne = (await (await fetchKeys(app, '2001:db8::1')).json()).valid_until_ts;
    const forTwo = (await (await fetchKeys(app, '::ffff:198.51.100.7')).json()).valid_until_ts;
    expect(one.claim(unsolicited)).toEqual({ kind: 'not-ours' });
    expect(one.claim(forOne)).toEqual({
      kind: 'fetched',
      fetch: { atMs: now, validUntilTs: forOne, address: '2001:db8::1', family: 'IPv6', userAgent: 'Synapse/1.140.0', host: 'fedcheck.example.org:443' },
    });
    expect(two.claim(forOne)).toEqual({ kind: 'not-ours' });
    expect(two.claim(forTwo)).toMatchObject({ kind: 'fetched', fetch: { address: '198.51.100.7', family: 'IPv4' } });
    one.end();
    two.end();
    const three = identity.watch();
    expect(three.claim(forTwo)).toEqual({ kind: 'not-ours' });
    expect(three.anyFetchSince()).toBe(false);
  });

  it('do not exist without FEDCHECK_SERVER_NAME', async () => {
    const siteDir = tempFile('dist');
    mkdirSync(siteDir);
    writeFileSync(join(siteDir, '404.html'), '<p>not found</p>');
    const app = createApp({ config: { ...loadConfig({}), siteDir, trustProxy: true }, log: () => {} });
    for (const path of ['/.well-known/matrix/server', '/_matrix/key/v2/server', '/_matrix/federation/v1/version']) {
      expect((await app.request(path, { headers: { 'x-forwarded-for': '192.0.2.1' } })).status, path).toBe(404);
    }
  });
});
