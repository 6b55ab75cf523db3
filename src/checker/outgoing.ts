// Outgoing federation: does the server reach other servers? The key API's notary query
// (`POST /_matrix/key/v2/query`, spec "Querying keys through another server") makes the
// target fetch fedcheck's own keys itself, after its own resolution of fedcheck's name and
// with its own TLS validation, and hand them back signed. Only front ends that have a
// federation identity of their own (the proxy and the CLI with FEDCHECK_SERVER_NAME) load
// this module; the page gets the result through the proxy's report.
import type { Discovery, NetworkContext } from './discovery.ts';
import { outgoingNotarySignature, outgoingReached } from './checks/outgoing.ts';
import { connectionKey, type ProbeEvidence, type ReportCheck } from './evidence.ts';
import { decodeBase64, verifyJsonSignature, type SignatureCheck } from './keys.ts';
import { fetchHttp } from './trace.ts';
import { describeJson, isJsonObject, parseJsonObject, type JsonObject } from './well-known.ts';

/** The body limit for a notary's answer: one server's keys, with a few old ones. */
const ANSWER_MAX_BYTES = 256 * 1024;
/** A notary fetches before it answers (Synapse gives the origin 10 s); wait a little longer. */
export const KEY_QUERY_TIMEOUT_MS = 15_000;

/** A fetch of our keys as it reached us; see src/server/identity.ts. */
export interface SeenFetch {
  atMs: number;
  address: string;
  family: 'IPv4' | 'IPv6';
  userAgent: string | null;
  host: string | null;
  /** undefined when TLS ended at a reverse proxy, which does not pass the SNI on. */
  sni?: string | null;
}

/** What the outgoing test needs from the front end's identity. */
export interface OurIdentity {
  serverName: string;
  keyId: string;
  /** Unpadded base64. */
  publicKey: string;
  /** Strictly greater than every valid_until_ts served so far: no cached copy satisfies it. */
  nextMinimumValidUntil(): number;
  watch(): {
    startedMs: number;
    claim(validUntilTs: number): { kind: 'fetched'; fetch: SeenFetch } | { kind: 'not-ours' };
    anyFetchSince(): boolean;
    end(): void;
  };
}

export interface KeyQuery {
  /** The connection the query went to, e.g. `203.0.113.5:8448`. */
  connection: string;
  url: string;
  minimumValidUntilTs: number;
  elapsedMs: number;
  status?: number;
  error?: { kind: string; message: string };
}

export type OutgoingEvidence =
  /** No FEDCHECK_SERVER_NAME: nothing to have the target fetch. */
  | { kind: 'disabled' }
  /** The report ended before the query went out. */
  | { kind: 'not-run' }
  /** No connection to the target worked, so there was nowhere to send the query. */
  | { kind: 'no-connection' }
  /** Refused (an HTTP error), or an answer that is not a key query answer. */
  | { kind: 'refused'; ourServerName: string; query: KeyQuery; reason: string }
  /** No answer in time. */
  | { kind: 'timeout'; ourServerName: string; query: KeyQuery; anyFetchDuringTest: boolean }
  /** Our keys, but only as fetched before this test (the notary ignored minimum_valid_until_ts). */
  | { kind: 'cached'; ourServerName: string; query: KeyQuery; validUntilTs: number }
  /** An answer without our keys. */
  | { kind: 'not-reached'; ourServerName: string; query: KeyQuery; anyFetchDuringTest: boolean }
  | {
      kind: 'reached';
      ourServerName: string;
      query: KeyQuery;
      fetch: SeenFetch & { afterMs: number };
      /** The target's signature over our keys (passed on untouched: ours verified), by its own published keys. */
      notarySignature: SignatureCheck & { keyId?: string };
    };

export interface OutgoingTesting {
  /** The logic of the registry's OUTGOING_HEADS. */
  checks: readonly ReportCheck[];
  run(serverName: string, discovery: Discovery, probes: ProbeEvidence[], ctx: NetworkContext): Promise<OutgoingEvidence>;
}

/** In the order of the registry's OUTGOING_HEADS. */
export const OUTGOING_CHECKS: readonly ReportCheck[] = [outgoingReached, outgoingNotarySignature];

/** The outgoing test for a front end with an identity; `null`: the report says how to get one. */
export function outgoingTesting(identity: OurIdentity | null): OutgoingTesting {
  return {
    checks: OUTGOING_CHECKS,
    async run(serverName, discovery, probes, ctx) {
      if (identity === null) return { kind: 'disabled' };
      const probe = probes.find(worked);
      if (!probe) return { kind: 'no-connection' };
      return ctx.trace.step(
        'outgoing',
        'Outgoing federation: key query through the server',
        (requests) => queryThrough(identity, serverName, probe, discovery, ctx, requests),
        (evidence) => (evidence.kind === 'reached' ? 'pass' : evidence.kind === 'not-reached' || (evidence.kind === 'timeout' && !evidence.anyFetchDuringTest) ? 'fail' : 'info'),
      );
    },
  };
}

/** A connection that answered the federation API over verified TLS: one a peer would use. */
function worked(probe: ProbeEvidence): boolean {
  const { tls, version } = probe.result;
  return tls?.ok === true && tls.trusted && tls.nameMatches && version?.status === 200;
}

async function queryThrough(
  identity: OurIdentity,
  serverName: string,
  probe: ProbeEvidence,
  discovery: Discovery,
  ctx: NetworkContext,
  requests: Parameters<typeof fetchHttp>[3],
): Promise<OutgoingEvidence> {
  const { request } = probe;
  const host = request.tlsName.includes(':') ? `[${request.tlsName}]` : request.tlsName;
  const url = `https://${host}:${request.port}/_matrix/key/v2/query`;
  const minimumValidUntilTs = identity.nextMinimumValidUntil();
  // Our own key id with a minimum validity beyond every copy we ever served: a notary that
  // follows the spec must fetch again. (Synapse fetches only for named key ids; for `{}` it
  // returns whatever it cached, without fetching.)
  const body = JSON.stringify({ server_keys: { [identity.serverName]: { [identity.keyId]: { minimum_valid_until_ts: minimumValidUntilTs } } } });
  const watch = identity.watch();
  try {
    const response = await fetchHttp(
      ctx.http,
      url,
      {
        method: 'POST',
        body,
        headers: { host: discovery.resolution.hostHeader, 'content-type': 'application/json' },
        address: request.address,
        timeoutMs: KEY_QUERY_TIMEOUT_MS,
        maxBytes: ANSWER_MAX_BYTES,
        maxRedirects: 0,
        signal: ctx.signal,
      },
      requests,
    );
    const query: KeyQuery = {
      connection: connectionKey(request.address, request.port),
      url,
      minimumValidUntilTs,
      elapsedMs: response.elapsedMs,
      ...(response.ok ? { status: response.status } : { error: { kind: response.error.kind, message: response.error.message } }),
    };
    const ourServerName = identity.serverName;
    if (!response.ok) {
      // The report's own deadline cut the wait short: as much a timeout as the query's own.
      if (response.error.kind === 'timeout' || ctx.signal.aborted) return { kind: 'timeout', ourServerName, query, anyFetchDuringTest: watch.anyFetchSince() };
      return { kind: 'refused', ourServerName, query, reason: `${response.error.kind} error: ${response.error.message}` };
    }
    if (response.status !== 200) return { kind: 'refused', ourServerName, query, reason: `HTTP ${response.status}${errcodeOf(response.body)}` };
    const answer = parseJsonObject(response.body);
    if (!answer.ok) return { kind: 'refused', ourServerName, query, reason: `the answer is not a JSON object: ${answer.reason}` };
    if (!Array.isArray(answer.value.server_keys)) {
      return { kind: 'refused', ourServerName, query, reason: `"server_keys" in the answer is ${describeJson(answer.value.server_keys)}, not a list` };
    }
    const ours = answer.value.server_keys.filter(
      (entry): entry is JsonObject => isJsonObject(entry) && entry.server_name === ourServerName && typeof entry.valid_until_ts === 'number',
    );
    if (ours.length === 0) return { kind: 'not-reached', ourServerName, query, anyFetchDuringTest: watch.anyFetchSince() };
    // Only a copy that still carries our own signature can name a fetch: a made-up entry
    // cannot claim the fetch another test caused.
    const intact: JsonObject[] = [];
    for (const entry of ours) if ((await ourSignature(entry, identity)).ok) intact.push(entry);
    if (intact.length === 0) return { kind: 'refused', ourServerName, query, reason: `its copy of ${ourServerName}'s keys does not carry ${ourServerName}'s signature any more` };
    for (const entry of intact) {
      const claim = watch.claim(entry.valid_until_ts as number);
      if (claim.kind !== 'fetched') continue;
      return {
        kind: 'reached',
        ourServerName,
        query,
        fetch: { ...claim.fetch, afterMs: Math.max(0, claim.fetch.atMs - watch.startedMs) },
        notarySignature: await notarySignature(entry, serverName, probe),
      };
    }
    return { kind: 'cached', ourServerName, query, validUntilTs: Math.max(...intact.map((entry) => entry.valid_until_ts as number)) };
  } finally {
    watch.end();
  }
}

function errcodeOf(body: string): string {
  const parsed = parseJsonObject(body);
  return parsed.ok && typeof parsed.value.errcode === 'string' ? ` ${parsed.value.errcode}` : '';
}

/** The target signs as its server name, with a key it publishes at /_matrix/key/v2/server. */
async function notarySignature(entry: JsonObject, serverName: string, probe: ProbeEvidence): Promise<SignatureCheck & { keyId?: string }> {
  const published = parseJsonObject(probe.result.keys?.status === 200 ? (probe.result.keys.body ?? '') : '');
  const verifyKeys = published.ok && isJsonObject(published.value.verify_keys) ? published.value.verify_keys : {};
  const signatures = isJsonObject(entry.signatures) ? entry.signatures[serverName] : undefined;
  if (!isJsonObject(signatures)) return { ok: false, reason: `the answer has no signature by ${JSON.stringify(serverName)}` };
  let last: SignatureCheck = { ok: false, reason: `none of its signing keys (${Object.keys(signatures).join(', ') || 'none'}) is among the keys it publishes` };
  for (const keyId of Object.keys(signatures).filter((id) => id.startsWith('ed25519:'))) {
    const entryKey = verifyKeys[keyId];
    const key = isJsonObject(entryKey) && typeof entryKey.key === 'string' ? decodeBase64(entryKey.key) : null;
    if (!key) continue;
    last = await verifyJsonSignature(entry, serverName, keyId, key.bytes);
    if (last.ok) return { ...last, keyId };
  }
  return last;
}

async function ourSignature(entry: JsonObject, identity: OurIdentity): Promise<SignatureCheck> {
  const key = decodeBase64(identity.publicKey);
  if (!key) return { ok: false, reason: 'fedcheck has no usable public key' };
  return verifyJsonSignature(entry, identity.serverName, identity.keyId, key.bytes);
}
