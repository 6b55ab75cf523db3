// fedcheck's own federation identity (FEDCHECK_SERVER_NAME): a persistent ed25519 signing key,
// the three endpoints a homeserver fetches from a peer (/.well-known/matrix/server, the keys,
// the version) and a short-lived record of who fetched the keys while an outgoing test waits.
//
// Attribution: Synapse fetches `GET /_matrix/key/v2/server` with no key id in the path, so a
// fetch carries nothing that names the test behind it. Instead every answer gets its own
// `valid_until_ts` (strictly increasing), which a notary stores and hands back verbatim inside
// its signed answer: the answer names the fetch that produced it.
import { createPrivateKey, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { Hono, type Context } from 'hono';
import { canonicalJson } from '../checker/canonical-json.ts';
import { decodeBase64 } from '../checker/keys.ts';
import type { OurIdentity } from '../checker/outgoing.ts';
import { parseServerName } from '../checker/server-name.ts';
import { clientAddress } from './client.ts';
import { ConfigError } from './config.ts';

/** Short, so that a notary's cached copy goes stale fast (spec: notaries refresh on minimum_valid_until_ts). */
export const KEY_VALIDITY_MS = 10 * 60_000;
/** How long a fetch waits for the test that asked for it to read it. */
const FETCH_RECORD_MS = 2 * 60_000;
const MAX_FETCH_RECORDS = 2000;

export interface SigningKey {
  /** "ed25519:fc_xxxxxx" */
  keyId: string;
  /** Unpadded base64 of the 32-byte public key. */
  publicKey: string;
  privateKey: KeyObject;
}

/** One fetch of our keys, as it reached us. */
export interface InboundFetch {
  atMs: number;
  /** The answer's valid_until_ts: unique per fetch. */
  validUntilTs: number;
  address: string;
  family: 'IPv4' | 'IPv6';
  userAgent: string | null;
  host: string | null;
  /** The TLS server name the peer sent; null without SNI; undefined when TLS ended elsewhere. */
  sni?: string | null;
}

export type FetchClaim = { kind: 'fetched'; fetch: InboundFetch } | { kind: 'not-ours' };

/** An outgoing test listening for fetches; `claim` hands a fetch to this test only. */
export interface FetchWatch {
  startedMs: number;
  /** The fetch that produced an answer with this valid_until_ts, made while this test waited. */
  claim(validUntilTs: number): FetchClaim;
  /** Whether any fetch at all reached us since the test started (whoever caused it). */
  anyFetchSince(): boolean;
  end(): void;
}

export interface Identity extends OurIdentity {
  key: SigningKey;
  keyFile: string;
  /** A signed key response with a fresh, unique valid_until_ts. */
  issueKeys(): { body: Record<string, unknown>; validUntilTs: number };
  watch(): FetchWatch;
  record(fetch: InboundFetch): void;
}

const KEY_FILE_LINE = /^ed25519 ([A-Za-z0-9_]{1,64}) ([A-Za-z0-9+/]{42,44}={0,2})\s*$/;

/**
 * Reads the key file, or creates it (mode 0600, never over an existing file). The format is
 * Synapse's signing.key: one line "ed25519 <version> <unpadded base64 seed>".
 */
export function loadSigningKey(keyFile: string, generate = true): SigningKey {
  let text: string | undefined;
  try {
    text = readFileSync(keyFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' || !generate) throw keyFileError(keyFile, `cannot read it (${code ?? (error as Error).message})`);
  }
  if (text === undefined) return createKeyFile(keyFile);
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const match = lines.length === 1 ? KEY_FILE_LINE.exec(lines[0]) : null;
  const seed = match ? decodeBase64(match[2]) : null;
  if (!match || !seed || seed.bytes.length !== 32) {
    throw keyFileError(keyFile, 'not a fedcheck signing key (expected one line "ed25519 <key version> <base64 seed of 32 bytes>"); fix or remove the file, it is never replaced');
  }
  return signingKeyFromSeed(`ed25519:${match[1]}`, Buffer.from(seed.bytes));
}

function createKeyFile(keyFile: string): SigningKey {
  const version = `fc_${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x')}`;
  const seed = randomBytes(32);
  try {
    // wx: fail rather than overwrite a file that appeared meanwhile.
    writeFileSync(keyFile, `ed25519 ${version} ${seed.toString('base64').replace(/=+$/, '')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    throw keyFileError(keyFile, `cannot create it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return signingKeyFromSeed(`ed25519:${version}`, seed);
}

function keyFileError(keyFile: string, problem: string): ConfigError {
  return new ConfigError([`FEDCHECK_KEY_FILE=${JSON.stringify(keyFile)}: ${problem}`]);
}

export function signingKeyFromSeed(keyId: string, seed: Buffer): SigningKey {
  // PKCS#8 prefix of a raw ed25519 seed (RFC 8410).
  const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  const x = createPublicKey(privateKey).export({ format: 'jwk' }).x as string;
  return { keyId, publicKey: Buffer.from(x, 'base64url').toString('base64').replace(/=+$/, ''), privateKey };
}

/** The object signed by `entity` with `key`, its existing signatures kept. */
export function signJson(value: Record<string, unknown>, entity: string, key: SigningKey): Record<string, unknown> {
  const { signatures, unsigned: _unsigned, ...content } = value;
  const signature = sign(null, Buffer.from(canonicalJson(content)), key.privateKey).toString('base64').replace(/=+$/, '');
  const existing = (signatures ?? {}) as Record<string, Record<string, string>>;
  return { ...value, signatures: { ...existing, [entity]: { ...existing[entity], [key.keyId]: signature } } };
}

/** A `GET /_matrix/key/v2/server` answer for `serverName`, signed. */
export function keysResponse(serverName: string, key: SigningKey, validUntilTs: number): Record<string, unknown> {
  return signJson({ server_name: serverName, valid_until_ts: validUntilTs, verify_keys: { [key.keyId]: { key: key.publicKey } }, old_verify_keys: {} }, serverName, key);
}

export function createIdentity(options: { serverName: string; keyFile: string; now?: () => number }): Identity {
  const { serverName, keyFile, now = Date.now } = options;
  const parsed = parseServerName(serverName);
  if (!parsed.ok) throw new ConfigError([`FEDCHECK_SERVER_NAME=${JSON.stringify(serverName)}: ${parsed.error}`]);
  const key = loadSigningKey(keyFile);
  let lastIssued = 0;
  const watches = new Set<{ startedMs: number }>();
  const fetches = new Map<number, InboundFetch & { claimed: boolean }>();
  const forgetOld = () => {
    const oldest = now() - FETCH_RECORD_MS;
    for (const [validUntil, fetch] of fetches) if (fetch.atMs < oldest || fetches.size > MAX_FETCH_RECORDS) fetches.delete(validUntil);
  };
  return {
    serverName,
    key,
    keyId: key.keyId,
    publicKey: key.publicKey,
    keyFile,
    issueKeys() {
      lastIssued = Math.max(now() + KEY_VALIDITY_MS, lastIssued + 1);
      return { body: keysResponse(serverName, key, lastIssued), validUntilTs: lastIssued };
    },
    nextMinimumValidUntil: () => Math.max(now() + KEY_VALIDITY_MS, lastIssued + 1),
    record(fetch) {
      // Only while a test waits: otherwise a fetch is served and kept nowhere.
      if (watches.size === 0) return;
      forgetOld();
      fetches.set(fetch.validUntilTs, { ...fetch, claimed: false });
    },
    watch() {
      const watch = { startedMs: now() };
      watches.add(watch);
      return {
        startedMs: watch.startedMs,
        claim(validUntilTs) {
          const fetch = fetches.get(validUntilTs);
          if (!fetch || fetch.claimed || fetch.atMs < watch.startedMs) return { kind: 'not-ours' };
          fetch.claimed = true;
          const { claimed: _claimed, ...seen } = fetch;
          return { kind: 'fetched', fetch: seen };
        },
        anyFetchSince: () => [...fetches.values()].some((fetch) => fetch.atMs >= watch.startedMs),
        end() {
          watches.delete(watch);
          if (watches.size === 0) fetches.clear();
        },
      };
    },
  };
}

/** `m.server` for our own name: the name itself when it has a port, else port 443, where we answer. */
export function delegatedName(serverName: string): string {
  const parsed = parseServerName(serverName);
  return parsed.ok && parsed.name.port === undefined ? `${serverName}:443` : serverName;
}

/** The routes a peer homeserver needs from us; mounted only with FEDCHECK_SERVER_NAME. */
export function identityRoutes(identity: Identity, options: { version: string; trustProxy: boolean; now?: () => number }): Hono {
  const { version, trustProxy, now = Date.now } = options;
  const serveKeys = (c: Context) => {
    const { body, validUntilTs } = identity.issueKeys();
    identity.record(describeFetch(c, validUntilTs, trustProxy, now()));
    return c.json(body);
  };
  return new Hono()
    .get('/.well-known/matrix/server', (c) => c.json({ 'm.server': delegatedName(identity.serverName) }))
    .get('/_matrix/federation/v1/version', (c) => c.json({ server: { name: 'fedcheck', version } }))
    .get('/_matrix/key/v2/server', serveKeys)
    // The deprecated form with a key id: the spec says to answer with all keys regardless.
    .get('/_matrix/key/v2/server/:keyId', serveKeys);
}

function describeFetch(c: Context, validUntilTs: number, trustProxy: boolean, atMs: number): InboundFetch {
  const address = clientAddress(c, trustProxy).replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
  const socket = (c.env as { incoming?: { socket?: Partial<TLSSocket> } } | undefined)?.incoming?.socket;
  const fetch: InboundFetch = {
    atMs,
    validUntilTs,
    address,
    family: address.includes(':') ? 'IPv6' : 'IPv4',
    userAgent: c.req.header('user-agent') ?? null,
    host: c.req.header('host') ?? null,
  };
  // Only a socket this process terminated TLS on knows the SNI; behind a reverse proxy it is unknown.
  if (socket?.encrypted) fetch.sni = typeof socket.servername === 'string' ? socket.servername : null;
  return fetch;
}
