// Signed /_matrix/key/v2/server responses, made at rig start with node:crypto (ed25519
// over Matrix canonical JSON), plus the broken variants the scenario table asks for.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { KeysVariant } from './scenarios.ts';

/** Matrix canonical JSON: keys sorted by code point, no whitespace, integers only. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`canonical JSON: not a safe integer: ${value}`);
    return Object.is(value, -0) ? '0' : String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort(byCodePoint);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  throw new Error(`canonical JSON: unsupported ${typeof value}`);
}

function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

export const unpaddedBase64 = (b: Buffer | Uint8Array): string => Buffer.from(b).toString('base64').replace(/=+$/, '');

/** Raw 32-byte ed25519 public key of a KeyObject. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url');
}

export function publicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

export function privateKeyFromSeed(seed: Buffer): KeyObject {
  const pub = generatePublicFromSeed(seed);
  return createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: pub }, format: 'jwk' });
}

function generatePublicFromSeed(seed: Buffer): string {
  // PKCS#8 wrapper for a raw ed25519 seed; node derives the public key from it.
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const k = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return createPublicKey(k).export({ format: 'jwk' }).x as string;
}

/** Sign `obj` (minus signatures/unsigned) as `entity` with `keyId`; returns a new object. */
export function signJson<T extends Record<string, unknown>>(obj: T, entity: string, keyId: string, key: KeyObject): T {
  const { signatures, unsigned, ...rest } = obj as Record<string, unknown>;
  const sig = unpaddedBase64(sign(null, Buffer.from(canonicalJson(rest), 'utf8'), key));
  const sigs = { ...((signatures as Record<string, Record<string, string>>) ?? {}) };
  sigs[entity] = { ...(sigs[entity] ?? {}), [keyId]: sig };
  const out: Record<string, unknown> = { ...rest, signatures: sigs };
  if (unsigned !== undefined) out.unsigned = unsigned;
  return out as T;
}

/** Verify `signatures[entity][keyId]` against a raw 32-byte public key (accepts padded base64). */
export function verifyJson(obj: Record<string, unknown>, entity: string, keyId: string, publicKey: Buffer): boolean {
  const sig = (obj.signatures as Record<string, Record<string, string>> | undefined)?.[entity]?.[keyId];
  if (typeof sig !== 'string') return false;
  const { signatures, unsigned, ...rest } = obj;
  void signatures;
  void unsigned;
  const bytes = Buffer.from(sig, 'base64');
  if (bytes.length !== 64) return false;
  return verify(null, Buffer.from(canonicalJson(rest), 'utf8'), publicKeyFromRaw(publicKey), bytes);
}

export interface SignedKeys {
  body: Record<string, unknown>;
  keyId: string;
  /** Unpadded base64 public key, as in verify_keys. */
  publicKey: string;
  /** What a correct checker concludes about this response. */
  signatureValid: boolean;
}

export const KEY_ID = 'ed25519:rig';

/** Make a /_matrix/key/v2/server response for `serverName` in the given variant. */
export function makeKeysResponse(serverName: string, variant: KeysVariant, now = Date.now()): SignedKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pub = unpaddedBase64(rawPublicKey(publicKey));
  const name = variant === 'wrong-server-name' ? 'other.fed.test' : serverName;
  const validUntil = variant === 'expired' ? now - 3_600_000 : now + 24 * 3_600_000;
  const unsignedBody = {
    server_name: name,
    valid_until_ts: validUntil,
    verify_keys: { [KEY_ID]: { key: pub } },
    old_verify_keys: {},
  };
  let body: Record<string, unknown> = signJson(unsignedBody, name, KEY_ID, privateKey);
  let signatureValid = true;
  if (variant === 'bad-signature') {
    // A real signature, but over different bytes (valid_until_ts + 1).
    const other: Record<string, unknown> = signJson({ ...unsignedBody, valid_until_ts: validUntil + 1 }, name, KEY_ID, privateKey);
    body = { ...unsignedBody, signatures: other.signatures };
    signatureValid = false;
  } else if (variant === 'padded-signature') {
    const sigs = body.signatures as Record<string, Record<string, string>>;
    const s = sigs[name]![KEY_ID]!;
    body = { ...body, signatures: { [name]: { [KEY_ID]: s + '='.repeat((4 - (s.length % 4)) % 4) } } };
  }
  return { body, keyId: KEY_ID, publicKey: pub, signatureValid };
}
