// Base64, Ed25519 and signed JSON: the spec's signing test vectors and gomatrixserverlib's
// negative vectors (reference A4).
import { describe, expect, it } from 'vitest';
import { analyzeServerKeys, decodeBase64, verifyJsonSignature } from '../../../src/checker/keys.ts';
import { SPEC_PUBLIC_KEY, SPEC_SEED_HEX, publicKeyOf } from '../../fixtures/fakes.ts';

const SPEC_SIGNED_EMPTY = {
  signatures: { domain: { 'ed25519:1': 'K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ' } },
};
const SPEC_SIGNED_ONE_TWO = {
  one: 1,
  signatures: { domain: { 'ed25519:1': 'KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw' } },
  two: 'Two',
};
const KEYS_FIXTURE =
  '{"server_name":"domain","valid_until_ts":4102444800000,"verify_keys":{"ed25519:1":{"key":"XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI"}},"old_verify_keys":{},"signatures":{"domain":{"ed25519:1":"6QF4CTFsIRMNh9VP2byVov3dZqg09+Lg8u74zLtWnu7xHiWOvUOmXxfkJx5EvYS6UziJsbNpAxb5/5rkwiKOAg"}}}';

const publicKey = decodeBase64(SPEC_PUBLIC_KEY)!.bytes;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('base64', () => {
  it.each([
    ['', ''],
    ['Zg', 'f'],
    ['Zm8', 'fo'],
    ['Zm9v', 'foo'],
    ['Zm9vYg', 'foob'],
    ['Zm9vYmE', 'fooba'],
    ['Zm9vYmFy', 'foobar'],
  ])('decodes the spec example %j', (encoded, text) => {
    expect(decodeBase64(encoded)).toEqual({ bytes: new TextEncoder().encode(text), padded: false });
  });

  it('accepts padding and says so', () => {
    expect(decodeBase64('Zm8=')).toEqual({ bytes: new TextEncoder().encode('fo'), padded: true });
    expect(decodeBase64('Zg==')?.padded).toBe(true);
  });

  it('decodes the spec seed despite its non-zero trailing bits', () => {
    expect(hex(decodeBase64('YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1')!.bytes)).toBe(SPEC_SEED_HEX);
  });

  it.each([['Z'], ['Zm9v!'], ['Zm-_'], ['Zg='], ['Zg===']])('rejects %j', (text) => {
    expect(decodeBase64(text)).toBeNull();
  });

  it('the spec seed gives the documented public key', async () => {
    expect(await publicKeyOf(SPEC_SEED_HEX)).toBe(SPEC_PUBLIC_KEY);
  });
});

describe('signed JSON: spec vectors', () => {
  it.each([
    ['{}', SPEC_SIGNED_EMPTY],
    ['{"one": 1, "two": "Two"}', SPEC_SIGNED_ONE_TWO],
  ])('the spec signature over %s verifies', async (_input, signed) => {
    expect(await verifyJsonSignature(signed, 'domain', 'ed25519:1', publicKey)).toEqual({ ok: true, padded: false });
  });

  it('an "unsigned" member is ignored', async () => {
    expect((await verifyJsonSignature({ ...SPEC_SIGNED_EMPTY, unsigned: { age: 1 } }, 'domain', 'ed25519:1', publicKey)).ok).toBe(true);
  });
});

describe('signed JSON: gomatrixserverlib negative vectors', () => {
  const signature = SPEC_SIGNED_EMPTY.signatures.domain['ed25519:1'];
  it.each([
    ['an extra key added', { ...SPEC_SIGNED_EMPTY, 'a new key': 'a new value' }, /does not verify/],
    ['the signature altered', { signatures: { domain: { 'ed25519:1': `modifiedSSy9${signature.slice(12)}` } } }, /does not verify/],
    ['no signatures', {}, /no signatures by "domain"/],
    ['empty signatures', { signatures: {} }, /no signatures by "domain"/],
    ['no signature by the entity', { signatures: { domain: {} } }, /no signature by key "ed25519:1"/],
    ['the signature under ed25519:2', { signatures: { domain: { 'ed25519:2': signature } } }, /no signature by key "ed25519:1"/],
    ['an invalid signature', { signatures: { domain: { 'ed25519:1': 'not/a/valid/signature' } } }, /not base64/],
  ])('%s fails', async (_name, signed, reason) => {
    const result = await verifyJsonSignature(signed, 'domain', 'ed25519:1', publicKey);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('the correct signature with "==" padding verifies but is flagged padded (Part C 9)', async () => {
    const padded = { signatures: { domain: { 'ed25519:1': `${signature}==` } } };
    expect(await verifyJsonSignature(padded, 'domain', 'ed25519:1', publicKey)).toEqual({ ok: true, padded: true });
  });
});

describe('analyzeServerKeys', () => {
  it('accepts the positive key-response fixture', async () => {
    expect(await analyzeServerKeys(KEYS_FIXTURE, 'domain')).toEqual({
      ok: true,
      serverName: 'domain',
      validUntilTs: 4102444800000,
      verifyKeys: [{ id: 'ed25519:1', algorithm: 'ed25519', length: 32, padded: false, signature: { ok: true, padded: false } }],
      oldVerifyKeys: {},
    });
  });

  it('still verifies with an "unsigned" member added', async () => {
    const withUnsigned = JSON.stringify({ ...JSON.parse(KEYS_FIXTURE), unsigned: { note: 'x' } });
    const result = await analyzeServerKeys(withUnsigned, 'domain');
    expect(result.ok && result.verifyKeys[0].signature).toEqual({ ok: true, padded: false });
  });

  it('fails when valid_until_ts changes by one', async () => {
    const tampered = KEYS_FIXTURE.replace('4102444800000', '4102444800001');
    const result = await analyzeServerKeys(tampered, 'domain');
    expect(result.ok && result.verifyKeys[0].signature?.ok).toBe(false);
  });

  it('looks for signatures under the requested name, not the claimed one', async () => {
    const result = await analyzeServerKeys(KEYS_FIXTURE, 'other.example');
    expect(result.ok && result.verifyKeys[0].signature).toEqual({ ok: false, reason: 'there are no signatures by "other.example"' });
  });

  it('ignores algorithms it does not know and reports wrong key lengths', async () => {
    const body = JSON.stringify({
      server_name: 'domain',
      valid_until_ts: 1,
      verify_keys: { 'rsa:key1': { key: 'Zm9v' }, 'ed25519:short': { key: 'Zm9vYmFy' }, 'ed25519:bad': { key: '!!' } },
      signatures: {},
    });
    const result = await analyzeServerKeys(body, 'domain');
    expect(result.ok && result.verifyKeys).toEqual([
      { id: 'rsa:key1', algorithm: 'rsa', length: 3, padded: false },
      { id: 'ed25519:short', algorithm: 'ed25519', length: 6, padded: false },
      { id: 'ed25519:bad', algorithm: 'ed25519', length: null, padded: false },
    ]);
  });

  it.each([[''], ['not json'], ['[]'], ['['.repeat(100_000) + ']'.repeat(100_000)]])('reports an unusable body %#', async (body) => {
    expect((await analyzeServerKeys(body, 'domain')).ok).toBe(false);
  });

  it('reports 100,000-deep nesting inside the object without throwing', async () => {
    const deep = `{"server_name":"domain","verify_keys":{"ed25519:1":{"key":"${SPEC_PUBLIC_KEY}"}},"signatures":{"domain":{"ed25519:1":"${SPEC_SIGNED_EMPTY.signatures.domain['ed25519:1']}"}},"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const result = await analyzeServerKeys(deep, 'domain');
    expect(result.ok && result.verifyKeys[0].signature).toMatchObject({ ok: false, reason: expect.stringContaining('canonical') });
  });
});
