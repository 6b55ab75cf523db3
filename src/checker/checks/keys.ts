// GET /_matrix/key/v2/server on each connection (spec § A4 "Validating a keys response").
import { decodeBase64, type ServerKeys } from '../keys.ts';
import { describeJson, isJsonObject } from '../well-known.ts';
import { fullMeta, isJsonContentType, meta, type ConnectionCheck, type Evidence, type Outcome, type ProbeEvidence, type Descriptions, type CheckTranslations } from '../evidence.ts';
import { describeProbeHttp } from './federation.ts';

const HOUR_MS = 3600 * 1000;
const WEEK_MS = 7 * 24 * HOUR_MS;

type ParsedKeys = Extract<ServerKeys, { ok: true }>;

/** Content checks apply only to a keys response that parsed. */
function withKeys(run: (keys: ParsedKeys, probe: ProbeEvidence, evidence: Evidence) => Outcome | null) {
  return (probe: ProbeEvidence, evidence: Evidence): Outcome | null => (probe.keys?.ok ? run(probe.keys, probe, evidence) : null);
}

/** Their heads apart from the logic: the page lists these checks as not tested without loading them, or their fixes. */
export const keysHeads = {
  keysResponse: meta({ id: 'keys.response', title: 'Server keys are served', area: 'keys' }),
  keysContentType: meta({ id: 'keys.content-type', title: 'Server keys are served as application/json', area: 'keys' }),
  keysServerName: meta({ id: 'keys.server-name', title: 'Keys are for this server name', area: 'keys' }),
  keysValidUntil: meta({ id: 'keys.valid-until', title: 'Keys are valid for at least an hour', area: 'keys' }),
  keysEd25519: meta({ id: 'keys.ed25519', title: 'Ed25519 verify keys', area: 'keys' }),
  keysSignature: meta({ id: 'keys.signature', title: 'Keys response is correctly signed', area: 'keys' }),
  keysOldVerifyKeys: meta({ id: 'keys.old-verify-keys', title: 'Old verify keys are well-formed', area: 'keys' }),
  keysBase64Padding: meta({ id: 'keys.base64-padding', title: 'Unpadded base64', area: 'keys' }),
};

export const keysResponse: ConnectionCheck = {
  meta: fullMeta(
    keysHeads.keysResponse,
    'Route /_matrix/key/ from the reverse proxy to the homeserver, like /_matrix/federation/.',
  ),
  perConnection({ result, keys }) {
    if (!result.keys) return null;
    if (result.keys.status !== 200) return { status: 'fail', detail: `The keys endpoint gave ${describeProbeHttp(result.keys)}.` };
    if (keys && !keys.ok) return { status: 'fail', detail: `The keys response is unusable: ${keys.reason}.` };
    return { status: 'pass', detail: 'The keys endpoint answered with a JSON object.' };
  },
};

export const keysContentType: ConnectionCheck = {
  meta: fullMeta(
    keysHeads.keysContentType,
    'Do not rewrite the homeserver\'s Content-Type in the reverse proxy; it sends application/json.',
  ),
  perConnection({ result }) {
    if (result.keys?.status !== 200) return null;
    const contentType = result.keys.headers?.['content-type'];
    return isJsonContentType(contentType)
      ? { status: 'pass', detail: `Content-Type is ${JSON.stringify(contentType)}.` }
      : { status: 'warn', detail: `Content-Type is ${contentType === undefined ? 'missing' : JSON.stringify(contentType)}, not application/json.` };
  },
};

export const keysServerName: ConnectionCheck = {
  meta: fullMeta(
    keysHeads.keysServerName,
    'Set the homeserver\'s server_name to the name checked here (Synapse: `server_name` in homeserver.yaml), or point the delegation/DNS at the right homeserver.',
  ),
  perConnection: withKeys((keys, { request }) =>
    keys.serverName === request.serverName
      ? { status: 'pass', detail: `server_name is ${JSON.stringify(request.serverName)}.` }
      : { status: 'fail', detail: `server_name is ${JSON.stringify(keys.serverName)}, expected ${JSON.stringify(request.serverName)}: this address serves another homeserver.` },
  ),
};

export const keysValidUntil: ConnectionCheck = {
  meta: fullMeta(
    keysHeads.keysValidUntil,
    'Check the homeserver\'s clock (NTP); the homeserver sets valid_until_ts itself, usually a day ahead.',
  ),
  perConnection: withKeys((keys, _probe, { nowMs }) => {
    const until = keys.validUntilTs;
    if (typeof until !== 'number' || !Number.isSafeInteger(until)) {
      return { status: 'fail', detail: `valid_until_ts is ${JSON.stringify(until) ?? 'missing'}, not a timestamp in milliseconds.` };
    }
    const when = new Date(until).toISOString();
    if (until <= nowMs) return { status: 'fail', detail: `valid_until_ts ${when} is in the past.` };
    if (until < nowMs + HOUR_MS) return { status: 'warn', detail: `valid_until_ts ${when} is less than an hour away.` };
    const capped = until > nowMs + WEEK_MS ? ' (peers use at most 7 days)' : '';
    return { status: 'pass', detail: `Valid until ${when}${capped}.` };
  }),
};

export const keysEd25519: ConnectionCheck = {
  meta: fullMeta(
    keysHeads.keysEd25519,
    'Let the homeserver generate its signing key (Synapse: `signing_key_path`); do not edit the key file by hand.',
  ),
  perConnection: withKeys(({ verifyKeys }) => {
    const ed25519 = verifyKeys.filter((key) => key.algorithm === 'ed25519');
    if (ed25519.length === 0) return { status: 'fail', detail: 'verify_keys has no ed25519 key.' };
    const bad = ed25519.filter((key) => key.length !== 32);
    if (bad.length > 0) {
      return { status: 'fail', detail: bad.map((key) => `${key.id} ${key.length === null ? 'is not base64' : `is ${key.length} bytes, not 32`}`).join('; ') };
    }
    return { status: 'pass', detail: `${ed25519.map((key) => key.id).join(', ')}: 32 bytes.` };
  }),
};

export const keysSignature: ConnectionCheck = {
  meta: fullMeta(
    keysHeads.keysSignature,
    'Check that nothing between the homeserver and the internet rewrites the response body (reverse proxy filters, injected scripts), and that only one homeserver answers for this name.',
  ),
  perConnection: withKeys(({ verifyKeys }) => {
    const checked = verifyKeys.filter((key) => key.signature !== undefined);
    if (checked.length === 0) return null;
    const failed = checked.flatMap((key) => (key.signature?.ok === false ? [`${key.id}: ${key.signature.reason}`] : []));
    return failed.length === 0
      ? { status: 'pass', detail: `Verified the signature of ${checked.map((key) => key.id).join(', ')}.` }
      : { status: 'fail', detail: `${failed.join('; ')}.` };
  }),
};

/** What Synapse needs of an old ed25519 key; entries of other algorithms it skips. */
function oldKeyProblems(id: string, entry: unknown, alsoCurrent: boolean): string[] {
  if (!id.startsWith('ed25519:')) return [];
  if (!isJsonObject(entry)) return [`${id} is ${describeJson(entry)}, not an object`];
  const problems = alsoCurrent ? [`${id} is also in verify_keys, so Synapse takes the current key as expired at its expired_ts`] : [];
  if (typeof entry.expired_ts !== 'number' || !Number.isSafeInteger(entry.expired_ts)) {
    problems.push(`${id} has expired_ts ${JSON.stringify(entry.expired_ts) ?? 'missing'}, not a timestamp in milliseconds`);
  }
  const key = typeof entry.key === 'string' ? decodeBase64(entry.key) : null;
  if (key === null) problems.push(`${id} has ${entry.key === undefined ? 'no "key"' : 'a "key" that is not base64'}`);
  else if (key.bytes.length !== 32) problems.push(`${id} is ${key.bytes.length} bytes, not 32`);
  return problems;
}

export const keysOldVerifyKeys: ConnectionCheck = {
  meta: fullMeta(
    keysHeads.keysOldVerifyKeys,
    'Let the homeserver write old_verify_keys: each entry needs "key" (unpadded base64 of the 32-byte public key) and "expired_ts" (milliseconds), and a key is either current or old, never both.',
  ),
  perConnection: withKeys(({ oldVerifyKeys, verifyKeys }) => {
    if (oldVerifyKeys === undefined) return { status: 'pass', detail: 'No old_verify_keys (optional).' };
    if (!isJsonObject(oldVerifyKeys)) return { status: 'fail', detail: `old_verify_keys is ${describeJson(oldVerifyKeys)}, not an object.` };
    const current = new Set(verifyKeys.map((key) => key.id));
    const entries = Object.entries(oldVerifyKeys);
    const problems = entries.flatMap(([id, entry]) => oldKeyProblems(id, entry, current.has(id)));
    if (problems.length > 0) return { status: 'fail', detail: `${problems.join('; ')}.` };
    return { status: 'pass', detail: entries.length === 0 ? 'old_verify_keys is empty.' : `Old keys: ${entries.map(([id]) => id).join(', ')}.` };
  }),
};

export const keysBase64Padding: ConnectionCheck = {
  meta: fullMeta(
    keysHeads.keysBase64Padding,
    'Encode keys and signatures as unpadded base64 (no trailing "="), as the spec requires.',
  ),
  perConnection: withKeys(({ verifyKeys }) => {
    const padded = verifyKeys.flatMap((key) => [
      ...(key.padded ? [`key ${key.id}`] : []),
      ...(key.signature?.ok && key.signature.padded ? [`signature by ${key.id}`] : []),
    ]);
    return padded.length === 0
      ? { status: 'pass', detail: 'Keys and signatures are unpadded.' }
      : { status: 'warn', detail: `Padded base64: ${padded.join(', ')}.` };
  }),
};

/** For the check reference page only, so that the browser bundle leaves them out. */
export const descriptions: Descriptions = {
  'keys.response':
    'GET /_matrix/key/v2/server must return 200 and a JSON object with the server\'s signing keys; other servers need it to verify every request and event you send.',
  'keys.content-type':
    'The spec: "Servers must include a Content-Type header of application/json for all JSON responses."',
  'keys.server-name':
    'The keys response\'s server_name must equal the server name exactly (the original name, not the delegated one). Otherwise this address serves a different homeserver, and peers reject its keys.',
  'keys.valid-until':
    'valid_until_ts must be in the future. The spec asks servers not to return responses expiring within an hour; peers use at most 7 days of it.',
  'keys.ed25519':
    'verify_keys must contain at least one ed25519 key, and each must decode to 32 bytes.',
  'keys.signature':
    'Every ed25519 key in verify_keys must have signed the response (signatures[server name][key id]), verified over the canonical JSON without "signatures" and "unsigned". gomatrixserverlib requires all of them.',
  'keys.old-verify-keys':
    'Optional: the keys the server signed with before, each with "key" and "expired_ts", so that peers can still verify old events. Synapse reads every ed25519 entry and fails the whole key fetch on a broken one; a key listed as both current and old is stored as expired.',
  'keys.base64-padding':
    'The spec uses unpadded base64. Decoders should accept padding, but gomatrixserverlib (Dendrite and others) rejects padded signatures.',
};

/** German, for German pages and the German check reference; the browser bundle leaves it out. */
export const de: CheckTranslations = {
  'keys.response': {
    title: 'Signaturschlüssel des Servers werden ausgeliefert',
    description:
      'GET /_matrix/key/v2/server muss 200 und ein JSON-Objekt mit den Signaturschlüsseln des Servers liefern; andere Server brauchen es, um jede Anfrage und jedes Ereignis zu prüfen, das du sendest.',
    fix: 'Leite /_matrix/key/ vom Reverse-Proxy an den Homeserver weiter, wie /_matrix/federation/.',
  },
  'keys.content-type': {
    title: 'Signaturschlüssel des Servers werden als application/json ausgeliefert',
    description:
      'Die Spezifikation: "Servers must include a Content-Type header of application/json for all JSON responses."',
    fix: 'Schreibe den Content-Type des Homeservers im Reverse-Proxy nicht um; er sendet application/json.',
  },
  'keys.server-name': {
    title: 'Schlüssel gehören zu diesem Servernamen',
    description:
      'Das server_name der Schlüsselantwort muss genau dem Servernamen entsprechen (dem ursprünglichen Namen, nicht dem delegierten). Sonst antwortet an dieser Adresse ein anderer Homeserver, und andere Server lehnen seine Schlüssel ab.',
    fix: 'Setze server_name des Homeservers auf den hier geprüften Namen (Synapse: `server_name` in homeserver.yaml) oder richte Delegation bzw. DNS auf den richtigen Homeserver.',
  },
  'keys.valid-until': {
    title: 'Schlüssel gelten noch mindestens eine Stunde',
    description:
      'valid_until_ts muss in der Zukunft liegen. Die Spezifikation bittet Server, keine Antworten zu liefern, die innerhalb einer Stunde ablaufen; andere Server nutzen davon höchstens 7 Tage.',
    fix: 'Prüfe die Uhr des Homeservers (NTP); der Homeserver setzt valid_until_ts selbst, meist einen Tag im Voraus.',
  },
  'keys.ed25519': {
    title: 'Ed25519-Prüfschlüssel',
    description:
      'verify_keys muss mindestens einen ed25519-Schlüssel enthalten, und jeder muss zu 32 Bytes dekodieren.',
    fix: 'Lass den Homeserver seinen Signaturschlüssel selbst erzeugen (Synapse: `signing_key_path`); bearbeite die Schlüsseldatei nicht von Hand.',
  },
  'keys.signature': {
    title: 'Schlüsselantwort ist korrekt signiert',
    description:
      'Jeder ed25519-Schlüssel in verify_keys muss die Antwort signiert haben (signatures[Servername][Schlüssel-ID]), geprüft über das kanonische JSON ohne "signatures" und "unsigned". gomatrixserverlib verlangt alle.',
    fix: 'Prüfe, dass nichts zwischen Homeserver und Internet den Inhalt der Antwort umschreibt (Filter im Reverse-Proxy, eingeschleuste Skripte) und dass nur ein Homeserver für diesen Namen antwortet.',
  },
  'keys.old-verify-keys': {
    title: 'Alte Prüfschlüssel sind wohlgeformt',
    description:
      'Optional: die Schlüssel, mit denen der Server früher signiert hat, jeweils mit "key" und "expired_ts", damit andere Server alte Ereignisse noch prüfen können. Synapse liest jeden ed25519-Eintrag und lässt bei einem kaputten den ganzen Schlüsselabruf scheitern; ein Schlüssel, der zugleich aktuell und alt ist, wird als abgelaufen gespeichert.',
    fix: 'Lass den Homeserver old_verify_keys schreiben: Jeder Eintrag braucht "key" (ungepolstertes Base64 des 32-Byte-Public-Keys) und "expired_ts" (Millisekunden), und ein Schlüssel ist entweder aktuell oder alt, nie beides.',
  },
  'keys.base64-padding': {
    title: 'Ungepolstertes Base64',
    description:
      'Die Spezifikation verwendet ungepolstertes Base64. Dekoder sollten Padding akzeptieren, aber gomatrixserverlib (Dendrite und andere) lehnt gepolsterte Signaturen ab.',
    fix: 'Kodiere Schlüssel und Signaturen als ungepolstertes Base64 (kein "=" am Ende), wie es die Spezifikation verlangt.',
  },
};
