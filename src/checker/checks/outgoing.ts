// Outgoing federation (src/checker/outgoing.ts gathers the evidence): did the server fetch
// fedcheck's keys itself when asked to, and does it sign what it fetched? A server that will
// not act as a notary, or answers from its cache, leaves the question open: "could not test",
// never "broken".
import { fullMeta, meta, type CheckTranslations, type Descriptions, type Outcome, type ReportCheck } from '../evidence.ts';
import type { OutgoingEvidence } from '../outgoing.ts';

const GUIDE = '/docs/outgoing-federation/';
const COULD_NOT = 'Could not test outgoing federation';

/** Their heads apart from the logic: the page lists these checks as not tested without loading them, or their fixes. */
export const outgoingHeads = {
  reached: meta({ id: 'outgoing.reached', title: 'Reaches other servers (outgoing federation)', area: 'outgoing' }),
  notarySignature: meta({ id: 'outgoing.notary-signature', title: 'Signs the keys it fetched from others', area: 'outgoing' }),
};

export const outgoingReached: ReportCheck = {
  meta: fullMeta(
    outgoingHeads.reached,
    `Let the homeserver open HTTPS connections out (port 443 and 8448, and the ports other servers' SRV records name), give it a working DNS resolver and an up-to-date CA bundle, and IPv4 egress as well as IPv6; see ${GUIDE}.`,
  ),
  run({ outgoing, parse, discovery }) {
    if (!parse.ok || !discovery || outgoing === null) return [];
    return [reached(outgoing, parse.name.host)];
  },
};

function reached(outgoing: OutgoingEvidence, server: string): Outcome {
  switch (outgoing.kind) {
    case 'disabled':
      return {
        status: 'skip',
        detail: `Not tested: this fedcheck has no federation identity to have ${server} fetch. Set FEDCHECK_SERVER_NAME (a public name whose HTTPS reaches fedcheck) and FEDCHECK_KEY_FILE (where fedcheck keeps its signing key) to test it; see ${GUIDE}.`,
      };
    case 'not-run':
      return { status: 'skip', detail: `${COULD_NOT}: the report's time ran out before the key query was sent.` };
    case 'no-connection':
      return { status: 'skip', detail: `${COULD_NOT}: no connection to ${server} worked, so there was nowhere to send the key query.` };
    case 'refused':
      return {
        status: 'info',
        detail: `${COULD_NOT}: ${outgoing.query.url} (on ${outgoing.query.connection}) did not answer the key query: ${outgoing.reason}. Servers need not act as notaries for others; this says nothing about its outgoing federation.`,
        data: queryData(outgoing),
      };
    case 'cached':
      return {
        status: 'info',
        detail: `${COULD_NOT}: ${server} answered with a copy of ${outgoing.ourServerName}'s keys it had before this test (valid until ${new Date(outgoing.validUntilTs).toISOString()}) instead of fetching them again, although the query asked for keys valid until at least ${new Date(outgoing.query.minimumValidUntilTs).toISOString()}.`,
        data: queryData(outgoing),
      };
    case 'timeout':
      return outgoing.anyFetchDuringTest
        ? { status: 'info', detail: `${COULD_NOT}: ${server} did not answer the key query within ${outgoing.query.elapsedMs} ms, so the fetches of ${outgoing.ourServerName}'s keys that arrived meanwhile cannot be told apart.`, data: queryData(outgoing) }
        : {
            status: 'fail',
            detail: `${server} did not answer the key query within ${outgoing.query.elapsedMs} ms, and nothing fetched ${outgoing.ourServerName}'s keys meanwhile: its connections out seem to hang (a firewall that drops outgoing packets looks like this).`,
            data: queryData(outgoing),
          };
    case 'not-reached':
      return {
        status: 'fail',
        detail: `${server} answered the key query without ${outgoing.ourServerName}'s keys: it could not fetch them from ${outgoing.ourServerName}${outgoing.anyFetchDuringTest ? '' : ', and no fetch of them reached fedcheck during the test'}. Its outgoing federation is broken: it cannot reach other servers, at least not this one.`,
        data: queryData(outgoing),
      };
    case 'reached': {
      const { fetch } = outgoing;
      const sni = fetch.sni === undefined ? 'SNI not seen (TLS ended at a reverse proxy)' : fetch.sni === null ? 'no SNI' : `SNI ${fetch.sni}`;
      return {
        status: 'pass',
        detail: `${server} fetched ${outgoing.ourServerName}'s keys itself, ${fetch.afterMs} ms after the query: from ${fetch.address} (${fetch.family}), User-Agent ${JSON.stringify(fetch.userAgent ?? '')}, ${sni}, Host ${fetch.host ?? '(none)'}.`,
        data: { ...queryData(outgoing), address: fetch.address, family: fetch.family, userAgent: fetch.userAgent, sni: fetch.sni ?? null, host: fetch.host, afterMs: fetch.afterMs },
      };
    }
  }
}

function queryData(outgoing: Extract<OutgoingEvidence, { query: unknown }>): Record<string, unknown> {
  return { queryUrl: outgoing.query.url, queriedOn: outgoing.query.connection, elapsedMs: outgoing.query.elapsedMs };
}

export const outgoingNotarySignature: ReportCheck = {
  meta: fullMeta(
    outgoingHeads.notarySignature,
    'The server must sign its key query answers with a key it publishes at /_matrix/key/v2/server and pass the fetched keys on unchanged; check that its signing key file matches the published keys (a key restored from an old backup does not).',
  ),
  run({ outgoing }) {
    if (outgoing?.kind !== 'reached') return [];
    const { notarySignature, ourServerName } = outgoing;
    if (!notarySignature.ok) return [{ status: 'fail', detail: `${ourServerName}'s keys came back, but the server's signature over them fails: ${notarySignature.reason}.` }];
    return [{ status: 'pass', detail: `${ourServerName}'s keys came back intact, signed by the server with ${notarySignature.keyId}, which it publishes; the signature verifies.` }];
  },
};

/** For the check reference page only, so that the browser bundle leaves them out. */
export const descriptions: Descriptions = {
  'outgoing.reached':
    "Asks the server, through the key API (POST /_matrix/key/v2/query), for fedcheck's own keys with a minimum validity newer than any copy it can have cached, so that it must fetch them from fedcheck itself: its own DNS lookups, its own connection out, its own certificate checks. The fetch that arrives tells where the server connects from (address, IPv4 or IPv6), its User-Agent, and the SNI and Host it sent. Only the fedcheck proxy and CLI run with a server name of their own can do this. A server that refuses such queries or answers from its cache could not be tested. A failure caps the verdict at warn.",
  'outgoing.notary-signature':
    "A key query answer must carry the fetched keys unchanged, signed by the answering server with a key it publishes. Peers that ask this server for keys reject an answer whose signature does not verify.",
};

export const de: CheckTranslations = {
  'outgoing.reached': {
    title: 'Erreicht andere Server (ausgehende Föderation)',
    description:
      'Fragt den Server über die Schlüssel-API (POST /_matrix/key/v2/query) nach den Schlüsseln von fedcheck, mit einer Mindestgültigkeit, die keine zwischengespeicherte Kopie erfüllen kann: Der Server muss sie selbst bei fedcheck abholen, mit eigener DNS-Auflösung, eigener ausgehender Verbindung und eigener Zertifikatsprüfung. Der ankommende Abruf zeigt, von welcher Adresse (IPv4 oder IPv6) sich der Server verbindet, seinen User-Agent sowie SNI und Host, die er gesendet hat. Das können nur der fedcheck-Proxy und die CLI, wenn sie mit eigenem Servernamen laufen. Ein Server, der solche Anfragen ablehnt oder aus dem Zwischenspeicher antwortet, ließ sich nicht prüfen. Ein Fehler begrenzt das Gesamtergebnis auf eine Warnung.',
    fix: `Erlaube dem Homeserver ausgehende HTTPS-Verbindungen (Port 443 und 8448 sowie die Ports, die SRV-Einträge anderer Server nennen), gib ihm einen funktionierenden DNS-Resolver und aktuelle CA-Zertifikate und ausgehende Verbindungen über IPv4 wie über IPv6; siehe ${GUIDE}.`,
  },
  'outgoing.notary-signature': {
    title: 'Signiert die Schlüssel, die er von anderen abholt',
    description:
      'Eine Antwort auf eine Schlüsselanfrage muss die abgeholten Schlüssel unverändert enthalten, signiert vom antwortenden Server mit einem Schlüssel, den er veröffentlicht. Server, die diesen Server nach Schlüsseln fragen, verwerfen eine Antwort, deren Signatur sich nicht prüfen lässt.',
    fix: 'Der Server muss seine Antworten auf Schlüsselanfragen mit einem Schlüssel signieren, den er unter /_matrix/key/v2/server veröffentlicht, und die abgeholten Schlüssel unverändert weitergeben; prüfe, ob seine Signaturschlüsseldatei zu den veröffentlichten Schlüsseln passt (ein Schlüssel aus einem alten Backup tut das nicht).',
  },
};
