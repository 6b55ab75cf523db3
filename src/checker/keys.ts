// Server signing keys: lenient base64, Ed25519 verification through WebCrypto (Node 24 and
// current browsers), and the `GET /_matrix/key/v2/server` validation of spec § A4.
import { canonicalJson } from './canonical-json.ts';
import { describeJson, isJsonObject, parseJsonObject, type JsonObject } from './well-known.ts';

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export interface DecodedBase64 {
  bytes: Uint8Array;
  /** Padding is legal per the spec, but gomatrixserverlib rejects padded signatures. */
  padded: boolean;
}

/**
 * Standard-alphabet base64 with or without padding (spec: decoders SHOULD accept both).
 * Non-zero trailing bits are accepted: the spec's own test seed has them.
 */
export function decodeBase64(text: string): DecodedBase64 | null {
  const unpadded = text.replace(/={1,2}$/, '');
  if (unpadded.length % 4 === 1) return null;
  if (unpadded !== text && text.length % 4 !== 0) return null;
  const bytes = new Uint8Array(Math.floor((unpadded.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let length = 0;
  for (const char of unpadded) {
    const value = BASE64_ALPHABET.indexOf(char);
    if (value < 0) return null;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[length++] = (buffer >> bits) & 0xff;
    }
  }
  return { bytes, padded: unpadded !== text };
}

export async function verifyEd25519(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = await crypto.subtle.importKey('raw', new Uint8Array(publicKey), { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, new Uint8Array(signature), new Uint8Array(message));
  } catch {
    return false;
  }
}

export type SignatureCheck = { ok: true; padded: boolean } | { ok: false; reason: string };

/**
 * The spec's "Checking for a Signature" for one entity and one ed25519 key: the signature
 * must exist, decode, and verify over the canonical JSON of the object without
 * `signatures` and `unsigned`.
 */
export async function verifyJsonSignature(
  signed: unknown,
  entity: string,
  keyId: string,
  publicKey: Uint8Array,
): Promise<SignatureCheck> {
  if (!isJsonObject(signed)) return { ok: false, reason: `the signed value is ${describeJson(signed)}, not an object` };
  const byEntity = isJsonObject(signed.signatures) ? signed.signatures[entity] : undefined;
  if (!isJsonObject(byEntity)) return { ok: false, reason: `there are no signatures by ${JSON.stringify(entity)}` };
  const text = byEntity[keyId];
  if (typeof text !== 'string') return { ok: false, reason: `there is no signature by key ${JSON.stringify(keyId)}` };
  const signature = decodeBase64(text);
  if (signature === null) return { ok: false, reason: `the signature by ${JSON.stringify(keyId)} is not base64` };
  const { signatures: _signatures, unsigned: _unsigned, ...content } = signed;
  let canonical: string;
  try {
    canonical = canonicalJson(content);
  } catch (error) {
    return { ok: false, reason: `the object has no canonical JSON form: ${(error as Error).message}` };
  }
  const verified = await verifyEd25519(publicKey, signature.bytes, new TextEncoder().encode(canonical));
  return verified
    ? { ok: true, padded: signature.padded }
    : { ok: false, reason: `the signature by ${JSON.stringify(keyId)} does not verify` };
}

export interface VerifyKey {
  id: string;
  algorithm: string;
  /** Decoded length in bytes; null when `key` is missing or not base64. */
  length: number | null;
  padded: boolean;
  /** Only for ed25519 keys of 32 bytes. */
  signature?: SignatureCheck;
}

export type ServerKeys =
  | { ok: false; reason: string }
  | {
      ok: true;
      serverName: unknown;
      validUntilTs: unknown;
      verifyKeys: VerifyKey[];
      /** As sent; undefined when absent, which the spec allows. */
      oldVerifyKeys: unknown;
    };

/** Parses a keys response and checks every ed25519 key's signature under `serverName`. */
export async function analyzeServerKeys(body: string, serverName: string): Promise<ServerKeys> {
  const parsed = parseJsonObject(body);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const response: JsonObject = parsed.value;
  const verifyKeys = isJsonObject(response.verify_keys) ? Object.entries(response.verify_keys) : [];
  return {
    ok: true,
    serverName: response.server_name,
    validUntilTs: response.valid_until_ts,
    oldVerifyKeys: response.old_verify_keys,
    verifyKeys: await Promise.all(
      verifyKeys.map(async ([id, entry]): Promise<VerifyKey> => {
        const algorithm = id.split(':')[0];
        const decoded = isJsonObject(entry) && typeof entry.key === 'string' ? decodeBase64(entry.key) : null;
        const key = { id, algorithm, length: decoded?.bytes.length ?? null, padded: decoded?.padded ?? false };
        if (algorithm !== 'ed25519' || decoded?.bytes.length !== 32) return key;
        return { ...key, signature: await verifyJsonSignature(response, serverName, id, decoded.bytes) };
      }),
    ),
  };
}
