// GET https://<server name>/.well-known/matrix/server (spec step 3, Part C 1, 2, 6, 7, 13, 14).
import { unreadableWellKnown } from '../connections.ts';
import { CACHE_MAX_SECONDS, byteLength, parseJsonObject, WELL_KNOWN_MAX_BYTES, wellKnownCacheLifetime } from '../well-known.ts';
import {
  describeFailure,
  fullMeta,
  isJsonContentType,
  meta,
  type Evidence,
  type Outcome,
  type ReportCheck,
  type Descriptions,
  type CheckTranslations,
} from '../evidence.ts';
import type { ServerWellKnownEvidence } from '../discovery.ts';
import type { HttpErrorKind } from '../interfaces.ts';

const DELEGATION_EXAMPLE = '{"m.server": "matrix.example.org:443"}';

/** The checks below read the step 3 fetch; none applies when discovery skipped it. */
function onWellKnown(run: (wellKnown: ServerWellKnownEvidence, evidence: Evidence) => Outcome[]) {
  return (evidence: Evidence): Outcome[] => {
    const wellKnown = evidence.discovery?.wellKnown;
    return wellKnown ? run(wellKnown, evidence) : [];
  };
}

/** The body of a 200 answer, which the content checks look at. */
function okBody(wellKnown: ServerWellKnownEvidence): string | null {
  return wellKnown.response.ok && wellKnown.response.status === 200 ? wellKnown.response.body : null;
}

export const wellKnownServerStatus: ReportCheck = {
  meta: meta({
    id: 'wellknown.server.status',
    title: 'Server .well-known answers',
    area: 'well-known',
    fix: `To delegate federation, serve ${DELEGATION_EXAMPLE} with status 200 at https://<server name>/.well-known/matrix/server. Without delegation a 404 is fine.`,
  }),
  run({ discovery }) {
    if (!discovery) return [];
    if (!discovery.wellKnown) {
      const why = discovery.resolution.step === 'ip-literal' ? 'the server name is an IP literal' : 'the server name has an explicit port';
      return [{ status: 'info', detail: `Not fetched: ${why}, so homeservers skip .well-known and SRV (spec steps 1-2).` }];
    }
    const { url, response } = discovery.wellKnown;
    if (response.ok && response.status === 200) return [{ status: 'pass', detail: `${url} answered 200.` }];
    if (response.ok && response.status === 404) {
      return [{ status: 'info', detail: `${url} answered 404: no delegation; homeservers continue with SRV and port 8448.` }];
    }
    if (discovery && unreadableWellKnown(discovery)) {
      return [{
        status: 'warn',
        detail: `${url} exists, but this browser cannot read it: it has no CORS headers. Homeservers do not need them, so this is not a federation problem, but the page cannot see whether you delegate; the steps below assume you do not. Run the check through the proxy for the real answer, or add "Access-Control-Allow-Origin: *" to the file.`,
      }];
    }
    if (!response.ok && (response.error.kind === 'dns' || response.error.kind === 'connect')) {
      return [{ status: 'info', detail: `${url} is not served (${describeFailure(response)}): no delegation; homeservers continue with SRV and port 8448.` }];
    }
    return [{
      status: 'warn',
      detail: `${url} gave ${describeFailure(response)}. Homeservers treat this as "no delegation", and Synapse caches the error for up to an hour; if you meant to delegate, it is not working.`,
    }];
  },
};

export const wellKnownServerJson: ReportCheck = {
  meta: meta({
    id: 'wellknown.server.json',
    title: 'Server .well-known is a JSON object',
    area: 'well-known',
    fix: `Serve a JSON object, exactly: ${DELEGATION_EXAMPLE}`,
  }),
  run: onWellKnown((wellKnown) => {
    const body = okBody(wellKnown);
    if (body === null) return [];
    const parsed = parseJsonObject(body);
    return parsed.ok
      ? [{ status: 'pass', detail: 'The body is a JSON object.' }]
      : [{ status: 'warn', detail: `${parsed.reason}; homeservers ignore the delegation and fall back to SRV and port 8448 (the connection results show whether that works).` }];
  }),
};

export const wellKnownServerMServer: ReportCheck = {
  meta: meta({
    id: 'wellknown.server.m-server',
    title: '"m.server" is a valid server name',
    area: 'well-known',
    fix: `Set "m.server" to the host (and port) that serves federation, without scheme or path: ${DELEGATION_EXAMPLE}`,
  }),
  run: onWellKnown(({ interpretation, response }) => {
    if (interpretation.valid) {
      const warnings = interpretation.warnings;
      const detail = `Federation is delegated to ${JSON.stringify(interpretation.mServer)}.`;
      return [warnings.length > 0 ? { status: 'warn', detail: `${detail} ${warnings.join('; ')}.` } : { status: 'pass', detail }];
    }
    if (!response.ok || response.status !== 200 || !parseJsonObject(response.body).ok) return [];
    // A string that breaks the grammar is not the spec's fallback in practice (Part C 1):
    // gomatrixserverlib fails outright on it, and Synapse puts it into its request URLs as it
    // is (well_known_resolver.py checks only that it is ASCII). Every peer treats a missing,
    // empty or non-string value as "no delegation" and falls back, so whether that works shows
    // in the connection results.
    if (interpretation.problem === 'm-server-invalid') {
      return [{ status: 'fail', detail: `${interpretation.reason}. Synapse sends its requests to this value as it is, so they fail or reach the wrong place, and Dendrite and other gomatrixserverlib servers reject it: neither falls back to SRV and port 8448 as the spec says.` }];
    }
    return [{ status: 'warn', detail: `${interpretation.reason}: treated as no delegation, so homeservers fall back to SRV and port 8448. Set "m.server", or remove the file if you do not delegate.` }];
  }),
};

export const wellKnownServerContentType: ReportCheck = {
  meta: meta({
    id: 'wellknown.server.content-type',
    title: 'Server .well-known is served as application/json',
    area: 'well-known',
    fix: 'Send "Content-Type: application/json" (nginx: `default_type application/json;` in the location block).',
  }),
  run: onWellKnown((wellKnown) => {
    if (okBody(wellKnown) === null || !wellKnown.response.ok) return [];
    const contentType = wellKnown.response.headers['content-type'];
    return isJsonContentType(contentType)
      ? [{ status: 'pass', detail: `Content-Type is ${JSON.stringify(contentType)}.` }]
      : [{ status: 'warn', detail: `Content-Type is ${contentType === undefined ? 'missing' : JSON.stringify(contentType)}, not application/json.` }];
  }),
};

export const wellKnownServerSize: ReportCheck = {
  meta: meta({
    id: 'wellknown.server.size',
    title: 'Server .well-known is under 50 KiB',
    area: 'well-known',
    fix: `Serve only the delegation, a few dozen bytes: ${DELEGATION_EXAMPLE}`,
  }),
  run: onWellKnown(({ response }) => {
    if (!response.ok && response.error.kind === 'too-large') {
      // Resolution follows Synapse and gomatrixserverlib here (they ignore it; others with larger
      // limits would use it), so the connection results say whether the fallback works.
      return [{ status: 'warn', detail: `The body is over ${WELL_KNOWN_MAX_BYTES} bytes; Synapse and gomatrixserverlib ignore it and fall back to SRV and port 8448, while servers with larger limits use the delegation: a split view of your server.` }];
    }
    if (!response.ok || response.status !== 200) return [];
    const size = byteLength(response.body);
    return size >= WELL_KNOWN_MAX_BYTES
      ? [{ status: 'warn', detail: `The body is ${size} bytes; Synapse ignores bodies of ${WELL_KNOWN_MAX_BYTES} bytes or more.`, data: { bytes: size } }]
      : [{ status: 'pass', detail: `The body is ${size} bytes.`, data: { bytes: size } }];
  }),
};

export const wellKnownServerRedirects: ReportCheck = {
  meta: meta({
    id: 'wellknown.server.redirects',
    title: 'Server .well-known redirects are sound',
    area: 'well-known',
    fix: 'Serve the file directly at https://<server name>/.well-known/matrix/server, or redirect at most a few times, always to https:// URLs, without loops.',
  }),
  run: onWellKnown(({ response }) => {
    const chain = response.redirects.map((hop) => `${hop.status} ${hop.url} → ${hop.location}`);
    if (!response.ok && (response.error.kind === 'redirect-loop' || response.error.kind === 'redirect-limit')) {
      return [{ status: 'fail', detail: `${response.error.message}. Chain: ${chain.join('; ')}`, data: { chain } }];
    }
    if (chain.length === 0) return [];
    const urls = [...response.redirects.map((hop) => hop.url), response.url];
    const downgraded = urls.some((url, index) => index > 0 && url.startsWith('http:') && urls[index - 1].startsWith('https:'));
    return downgraded
      ? [{ status: 'warn', detail: `A redirect goes from https to http: ${chain.join('; ')}`, data: { chain } }]
      : [{ status: 'pass', detail: `Followed ${chain.length} redirect(s): ${chain.join('; ')}`, data: { chain } }];
  }),
};

export const wellKnownServerCache: ReportCheck = {
  meta: meta({
    id: 'wellknown.server.cache',
    title: 'Server .well-known cache lifetime',
    area: 'well-known',
    fix: 'Send "Cache-Control: max-age=86400" (one day) or leave caching headers out.',
  }),
  run: onWellKnown(({ response, interpretation }, { nowMs }) => {
    if (!response.ok || !interpretation.valid) return [];
    const lifetime = wellKnownCacheLifetime(response.headers, nowMs);
    const hours = (lifetime.effectiveSeconds / 3600).toFixed(lifetime.effectiveSeconds % 3600 === 0 ? 0 : 2);
    const data = { ...lifetime };
    const detail = `Homeservers will cache the delegation for about ${hours} h (from ${lifetime.source === 'default' ? 'the 24 h default: no caching headers' : lifetime.source}).`;
    if (lifetime.source === 'max-age' && (lifetime.requestedSeconds ?? 0) > CACHE_MAX_SECONDS) {
      return [{ status: 'warn', detail: `max-age is ${lifetime.requestedSeconds} s, over the recommended 48 h maximum. ${detail}`, data }];
    }
    return [{ status: 'info', detail, data }];
  }),
};

/** Failures before any answer: no TCP connection, or one the checker's address policy refused. */
const NOT_CONNECTED: ReadonlySet<HttpErrorKind> = new Set(['connect', 'policy']);

/**
 * Heads apart from the logic of the checks that need the server name's addresses asked one by
 * one, which only a front end that opens its own connections can (probing.ts): the page lists
 * them as not tested without loading them.
 */
export const wellKnownServerPinnedHeads = {
  wellKnownServerConsistent: meta({ id: 'wellknown.server.consistent', title: 'Every address serves the same .well-known', area: 'well-known' }),
};

export const wellKnownServerConsistent: ReportCheck = {
  meta: fullMeta(
    wellKnownServerPinnedHeads.wellKnownServerConsistent,
    'Serve the same /.well-known/matrix/server from every address of the server name (check each web server or load-balancer backend).',
  ),
  run: onWellKnown(({ perAddress }) => {
    if (perAddress.length < 2) return [];
    // Peers try the next address when a connection fails, so an address the checker could not
    // connect to (a checker without IPv6, say) or may not (its address policy) gives them no
    // other answer: it is named, not compared.
    const reached = ({ response }: (typeof perAddress)[number]) => response.ok || !NOT_CONNECTED.has(response.error.kind);
    const connected = perAddress.filter(reached);
    const unconnected = perAddress.filter((entry) => !reached(entry));
    const notCompared = unconnected.length
      ? ` Not compared, as the checker could not connect to them (peers try the next address then): ${unconnected.map(({ address, response }) => `${address} (${describeFailure(response)})`).join('; ')}.`
      : '';
    const answers = connected.map(({ address, interpretation }) => ({
      address,
      answer: interpretation.valid ? `m.server ${JSON.stringify(interpretation.mServer)}` : `invalid (${interpretation.reason})`,
    }));
    const data = { answers, notCompared: unconnected.map(({ address }) => address) };
    if (answers.length < 2) return [{ status: 'info', detail: `Fewer than two addresses to compare.${notCompared}`, data }];
    const distinct = new Set(answers.map(({ answer }) => answer));
    return distinct.size === 1
      ? [{ status: 'pass', detail: `All ${answers.length} addresses answer the same: ${answers[0].answer}.${notCompared}`, data }]
      : [{ status: 'warn', detail: `Addresses disagree: ${answers.map(({ address, answer }) => `${address}: ${answer}`).join('; ')}.${notCompared}`, data }];
  }),
};

/** For the check reference page only, so that the browser bundle leaves them out. */
export const descriptions: Descriptions = {
  'wellknown.server.status':
    'Homeservers fetch /.well-known/matrix/server on port 443 of the server name (unless the name is an IP literal or has a port). A 200 with a valid body delegates federation; any other answer, including 404, makes them continue with SRV records and then port 8448.',
  'wellknown.server.json':
    'A 200 answer must be a JSON object. Otherwise homeservers ignore it and fall back to SRV and port 8448, so the delegation you published is lost.',
  'wellknown.server.m-server':
    '"m.server" must be a server name with an optional port: no "https://", no path. The spec says invalid data means "fall back to SRV", but Synapse uses the value as it is and gomatrixserverlib-based servers (Dendrite) fail outright, so an invalid value breaks federation with most of the network.',
  'wellknown.server.content-type':
    'The spec says the Content-Type SHOULD be application/json. Homeservers parse the body regardless, but some tools and proxies do not.',
  'wellknown.server.size':
    `Synapse ignores bodies of ${WELL_KNOWN_MAX_BYTES} bytes or more, gomatrixserverlib bodies over ${WELL_KNOWN_MAX_BYTES} bytes; then the delegation is lost for those peers.`,
  'wellknown.server.redirects':
    'Homeservers follow redirects (gomatrixserverlib at most 10) and must avoid loops. A redirect from https to http sends the delegation unprotected.',
  'wellknown.server.cache':
    'Homeservers cache the answer. Synapse uses Cache-Control max-age or Expires clamped to 5 minutes..48 hours, and 24 hours without headers. Lifetimes over 48 hours are cut, so a longer promise is misleading.',
  'wellknown.server.consistent':
    'When the server name has several addresses, each homeserver gets the answer of whichever address it reaches. Different answers split federation: some servers find you, others do not. An address the checker cannot connect to (a proxy without IPv6, say) is named but not compared: peers whose connection fails try the next address.',
};

/** German, for German pages and the German check reference; the browser bundle leaves it out. */
export const de: CheckTranslations = {
  'wellknown.server.status': {
    title: 'Server-.well-known antwortet',
    description:
      'Homeserver rufen /.well-known/matrix/server auf Port 443 des Servernamens ab (außer der Name ist ein IP-Literal oder hat einen Port). Eine Antwort 200 mit gültigem Inhalt delegiert die Föderation; jede andere Antwort, auch 404, lässt sie mit SRV-Einträgen und dann Port 8448 weitermachen.',
    fix: 'Um die Föderation zu delegieren, liefere {"m.server": "matrix.example.org:443"} mit Status 200 unter https://<Servername>/.well-known/matrix/server aus. Ohne Delegation ist ein 404 in Ordnung.',
  },
  'wellknown.server.json': {
    title: 'Server-.well-known ist ein JSON-Objekt',
    description:
      'Eine Antwort 200 muss ein JSON-Objekt sein. Sonst ignorieren Homeserver sie und weichen auf SRV und Port 8448 aus, und die veröffentlichte Delegation geht verloren.',
    fix: 'Liefere genau ein JSON-Objekt aus: {"m.server": "matrix.example.org:443"}',
  },
  'wellknown.server.m-server': {
    title: '"m.server" ist ein gültiger Servername',
    description:
      '"m.server" muss ein Servername mit optionalem Port sein: kein "https://", kein Pfad. Laut Spezifikation heißen ungültige Daten "auf SRV ausweichen", aber Synapse verwendet den Wert unverändert und Server auf Basis von gomatrixserverlib (Dendrite) brechen ganz ab, sodass ein ungültiger Wert die Föderation mit dem größten Teil des Netzes verhindert.',
    fix: 'Setze "m.server" auf den Host (und Port), der die Föderation bedient, ohne Schema oder Pfad: {"m.server": "matrix.example.org:443"}',
  },
  'wellknown.server.content-type': {
    title: 'Server-.well-known wird als application/json ausgeliefert',
    description:
      'Laut Spezifikation SOLLTE der Content-Type application/json sein. Homeserver lesen den Inhalt trotzdem, manche Werkzeuge und Proxys aber nicht.',
    fix: 'Sende "Content-Type: application/json" (nginx: `default_type application/json;` im location-Block).',
  },
  'wellknown.server.size': {
    title: 'Server-.well-known ist kleiner als 50 KiB',
    description:
      'Synapse ignoriert Inhalte ab 51200 Bytes, gomatrixserverlib Inhalte über 51200 Bytes; für diese Server geht die Delegation dann verloren.',
    fix: 'Liefere nur die Delegation aus, ein paar Dutzend Bytes: {"m.server": "matrix.example.org:443"}',
  },
  'wellknown.server.redirects': {
    title: 'Weiterleitungen der Server-.well-known sind in Ordnung',
    description:
      'Homeserver folgen Weiterleitungen (gomatrixserverlib höchstens 10) und müssen Schleifen vermeiden. Eine Weiterleitung von https auf http überträgt die Delegation ungeschützt.',
    fix: 'Liefere die Datei direkt unter https://<Servername>/.well-known/matrix/server aus oder leite höchstens ein paar Mal weiter, immer auf https://-URLs und ohne Schleifen.',
  },
  'wellknown.server.cache': {
    title: 'Cache-Dauer der Server-.well-known',
    description:
      'Homeserver speichern die Antwort zwischen. Synapse nimmt Cache-Control max-age oder Expires, begrenzt auf 5 Minuten bis 48 Stunden, und ohne diese Header 24 Stunden. Längere Zeiten werden gekürzt, ein längeres Versprechen führt also in die Irre.',
    fix: 'Sende "Cache-Control: max-age=86400" (ein Tag) oder lass die Cache-Header weg.',
  },
  'wellknown.server.consistent': {
    title: 'Jede Adresse liefert dieselbe .well-known',
    description:
      'Hat der Servername mehrere Adressen, bekommt jeder Homeserver die Antwort der Adresse, die er gerade erreicht. Unterschiedliche Antworten spalten die Föderation: Manche Server finden dich, andere nicht. Eine Adresse, zu der die Prüfung keine Verbindung bekommt (etwa ein Proxy ohne IPv6), wird genannt, aber nicht verglichen: Server, deren Verbindung scheitert, versuchen die nächste Adresse.',
    fix: 'Liefere von jeder Adresse des Servernamens dieselbe /.well-known/matrix/server aus (prüfe jeden Webserver bzw. jedes Backend des Load-Balancers).',
  },
};
