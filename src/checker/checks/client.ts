// Client-server discovery: /.well-known/matrix/client, its CORS headers, and the
// homeserver and identity server it points to (client-server API "Server Discovery").
import { describeFailure, headerValue, meta, onPart, type ClientEvidence, type Outcome, type ReportCheck, type Descriptions, type CheckTranslations } from '../evidence.ts';
import { parseJsonObject } from '../well-known.ts';

const CLIENT_EXAMPLE = '{"m.homeserver": {"base_url": "https://matrix.example.org"}}';

/** The spec's outcome of client discovery, including the /versions validation of base_url. */
function clientOutcome(client: ClientEvidence): { outcome: string; reason: string } {
  const { discovery, versions } = client;
  if (discovery.outcome !== 'VALIDATE') return discovery;
  if (versions && !versions.interpretation.ok) {
    return { outcome: 'FAIL_ERROR', reason: `${versions.url} does not work: ${versions.interpretation.reason}` };
  }
  return { outcome: 'OK', reason: `clients will use ${discovery.homeserverUrl}` };
}

export const clientWellKnown: ReportCheck = {
  meta: meta({
    id: 'client.wellknown',
    title: 'Client discovery (.well-known/matrix/client)',
    area: 'client',
    fix: `Serve ${CLIENT_EXAMPLE} at https://<server name>/.well-known/matrix/client, with the URL where clients reach the homeserver.`,
  }),
  run: onPart('client', (client) => {
    const { response } = client;
    if (!response.ok && response.error.kind === 'cors') {
      return [{ status: 'warn', detail: 'This browser could not read the file: it has no CORS headers, so web clients cannot use it either.' }];
    }
    const { outcome, reason } = clientOutcome(client);
    if (outcome === 'OK') return [{ status: 'pass', detail: `Discovery works: ${reason}.` }];
    if (outcome === 'IGNORE') return [{ status: 'info', detail: `${client.url}: ${reason}. Users must type the homeserver URL in their client.` }];
    // Nothing answering at all is "no discovery offered", which clients handle like a 404;
    // a server that answers with something broken is a real problem.
    if (!response.ok && (response.error.kind === 'dns' || response.error.kind === 'connect')) {
      return [{ status: 'info', detail: `${client.url} is not served (${describeFailure(response)}). Users must type the homeserver URL in their client.` }];
    }
    // A browser cannot tell nothing listening (no discovery offered) from a certificate it
    // rejects (broken discovery): it does not claim either; a proxy's finding replaces this one.
    if (!response.ok && response.error.kind === 'network' && response.error.reachable === false) {
      return [{ status: 'warn', detail: `This browser could not reach ${client.url}: nothing listens there, the name does not resolve, or its certificate is not trusted. Only the last breaks client discovery; the proxy tells which.`, data: { unreachableFromBrowser: true } }];
    }
    return [{ status: 'fail', detail: `${outcome}: ${reason}.`, data: { outcome } }];
  }),
};

export const clientBaseUrl: ReportCheck = {
  meta: meta({
    id: 'client.wellknown.base-url',
    title: 'Homeserver base_url uses https',
    area: 'client',
    fix: `Use an https:// base_url: ${CLIENT_EXAMPLE}`,
  }),
  run: onPart('client', ({ discovery }) => {
    if (discovery.outcome !== 'VALIDATE') return [];
    return discovery.homeserverUrl.startsWith('https:')
      ? [{ status: 'pass', detail: `base_url is ${discovery.homeserverUrl}.` }]
      : [{ status: 'warn', detail: `base_url ${discovery.homeserverUrl} is not https.` }];
  }),
};

function allowsOrigin(headers: Record<string, string>): boolean {
  return headers['access-control-allow-origin'] !== undefined;
}

export const clientCors: ReportCheck = {
  meta: meta({
    id: 'client.wellknown.cors',
    title: 'Client .well-known has CORS headers',
    area: 'client',
    fix: 'Add "Access-Control-Allow-Origin: *" to the file and to OPTIONS requests for it (nginx: `add_header Access-Control-Allow-Origin * always;`), on every redirect too.',
  }),
  run: onPart('client', ({ response, preflight, discovery }) => {
    if (discovery.outcome === 'IGNORE' || (!response.ok && response.error.kind !== 'cors')) return [];
    const missing = [
      ...(response.ok && allowsOrigin(response.headers) ? [] : ['the GET response']),
      ...(preflight.ok && allowsOrigin(preflight.headers) ? [] : [`the OPTIONS preflight (${describeFailure(preflight)})`]),
      ...response.redirects.filter((hop) => !allowsOrigin(hop.headers)).map((hop) => `the ${hop.status} redirect at ${hop.url}`),
    ];
    if (missing.length > 0) return [{ status: 'warn', detail: `No Access-Control-Allow-Origin on ${missing.join(', ')}.` }];
    return [{ status: 'pass', detail: `Access-Control-Allow-Origin: ${headerValue(response, 'access-control-allow-origin')} on the GET and the preflight.` }];
  }),
};

export const clientVersions: ReportCheck = {
  meta: meta({
    id: 'client.versions',
    title: 'Client API answers at base_url',
    area: 'client',
    fix: 'Route /_matrix/client/ at the base_url host to the homeserver, or correct base_url in /.well-known/matrix/client.',
  }),
  run: onPart('client', ({ versions }) => {
    if (!versions) return [];
    const { interpretation } = versions;
    return interpretation.ok
      ? [{ status: 'pass', detail: `${versions.url}: ${interpretation.versions.join(', ')}.` }]
      : [{ status: 'fail', detail: `${versions.url}: ${interpretation.reason}.` }];
  }),
};

export const clientFeatures: ReportCheck = {
  meta: meta({
    id: 'client.features',
    title: 'Spec versions and unstable features the homeserver advertises',
    area: 'client',
    fix: 'Nothing to fix here: this lists what /_matrix/client/versions advertises. Upgrade the homeserver or enable the experimental features your clients need.',
  }),
  run: onPart('client', ({ versions }, { knownFeatures }) => {
    if (!versions || !versions.interpretation.ok) return [];
    const { versions: specVersions, unstableFeatures } = versions.interpretation;
    const unstable = Object.entries(unstableFeatures).map(([flag, enabled]) => {
      const [, msc = null, title = null] = knownFeatures.find((known) => known[0] === flag) ?? [];
      return { flag, enabled, msc, title };
    });
    // Its MSC and title when known, else just the flag.
    const name = ({ flag, msc, title }: (typeof unstable)[number]) => (title === null ? flag : `${msc === null ? '' : `MSC${msc} `}${title} (${flag})`);
    const on = unstable.filter((feature) => feature.enabled).map(name);
    const off = unstable.length - on.length;
    const detail =
      `Spec versions: ${specVersions.join(', ') || 'none'}. ` +
      (on.length > 0 ? `Unstable features on: ${on.join('; ')}.` : 'No unstable feature is on.') +
      (off > 0 ? ` ${off} more listed as off.` : '');
    return [{ status: 'info', detail, data: { versions: specVersions, unstable } }];
  }),
};

export const clientIdentityServer: ReportCheck = {
  meta: meta({
    id: 'client.identity-server',
    title: 'Identity server in client discovery',
    area: 'client',
    fix: 'Correct "m.identity_server.base_url", or remove "m.identity_server" if you do not run or recommend one.',
  }),
  run: onPart('client', ({ discovery, identityServer }) => {
    if (discovery.outcome !== 'VALIDATE' || !discovery.identityServer) return [];
    if (!discovery.identityServer.ok) return [{ status: 'warn', detail: `${discovery.identityServer.reason}.` }];
    if (!identityServer) return [];
    const { url, response } = identityServer;
    const works = response.ok && response.status === 200 && parseJsonObject(response.body).ok;
    return works
      ? [{ status: 'pass', detail: `${url} answers.` }]
      : [{ status: 'warn', detail: `${url} gave ${describeFailure(response)}; clients cannot use this identity server.` }];
  }),
};

/** For the check reference page only, so that the browser bundle leaves them out. */
export const descriptions: Descriptions = {
  'client.wellknown':
    'Clients find the homeserver of "@user:server name" through this file. The spec defines the outcomes: 404 means no information (IGNORE: the user is asked for the URL); other errors, bad JSON or a missing m.homeserver.base_url mean FAIL_PROMPT; a base_url that is not a URL or whose /_matrix/client/versions fails means FAIL_ERROR (the client gives up).',
  'client.wellknown.base-url':
    'Clients send passwords and access tokens to base_url; plain http exposes them.',
  'client.wellknown.cors':
    'Web clients (Element Web and others) can only read the file when it has CORS headers, on the GET, on the OPTIONS preflight and on each redirect.',
  'client.versions':
    'GET <base_url>/_matrix/client/versions must return 200 and {"versions": [...]}; clients validate base_url this way.',
  'client.features':
    'Lists the spec versions and the unstable features (MSC flags) that GET <base_url>/_matrix/client/versions advertises, each flag named with its MSC and title where fedcheck knows it. Clients decide what to offer from this list; a feature that is off or missing is not offered.',
  'client.identity-server':
    'If the file names an identity server, clients check <base_url>/_matrix/identity/v2. A broken entry makes the identity server unusable; it does not stop homeserver discovery.',
};

/** German, for German pages and the German check reference; the browser bundle leaves it out. */
export const de: CheckTranslations = {
  'client.wellknown': {
    title: 'Client-Erkennung (.well-known/matrix/client)',
    description:
      'Über diese Datei finden Clients den Homeserver von "@user:Servername". Die Spezifikation legt die Ergebnisse fest: 404 heißt keine Information (IGNORE: der Nutzer wird nach der URL gefragt); andere Fehler, kaputtes JSON oder ein fehlendes m.homeserver.base_url heißen FAIL_PROMPT; ein base_url, das keine URL ist oder dessen /_matrix/client/versions fehlschlägt, heißt FAIL_ERROR (der Client gibt auf).',
    fix: 'Liefere {"m.homeserver": {"base_url": "https://matrix.example.org"}} unter https://<Servername>/.well-known/matrix/client aus, mit der URL, unter der Clients den Homeserver erreichen.',
  },
  'client.wellknown.base-url': {
    title: 'base_url des Homeservers nutzt https',
    description:
      'Clients senden Passwörter und Zugriffstoken an base_url; reines http legt sie offen.',
    fix: 'Verwende ein https://-base_url: {"m.homeserver": {"base_url": "https://matrix.example.org"}}',
  },
  'client.wellknown.cors': {
    title: 'Client-.well-known hat CORS-Header',
    description:
      'Web-Clients (Element Web und andere) können die Datei nur lesen, wenn sie CORS-Header hat: beim GET, beim OPTIONS-Preflight und bei jeder Weiterleitung.',
    fix: 'Ergänze "Access-Control-Allow-Origin: *" bei der Datei und bei OPTIONS-Anfragen dafür (nginx: `add_header Access-Control-Allow-Origin * always;`), auch bei jeder Weiterleitung.',
  },
  'client.versions': {
    title: 'Client-API antwortet unter base_url',
    description:
      'GET <base_url>/_matrix/client/versions muss 200 und {"versions": [...]} liefern; so prüfen Clients base_url.',
    fix: 'Leite /_matrix/client/ auf dem Host von base_url an den Homeserver weiter oder korrigiere base_url in /.well-known/matrix/client.',
  },
  'client.features': {
    title: 'Spec-Versionen und instabile Funktionen, die der Homeserver anbietet',
    description: 'Zeigt die Spec-Versionen und instabilen Funktionen (MSC-Flags), die GET <base_url>/_matrix/client/versions meldet, jedes Flag mit MSC-Nummer und Titel, soweit fedcheck es kennt. Clients richten ihr Angebot danach; eine abgeschaltete oder fehlende Funktion bieten sie nicht an.',
    fix: 'Hier gibt es nichts zu beheben: Das ist die Liste dessen, was /_matrix/client/versions meldet. Aktualisiere den Homeserver oder schalte die experimentellen Funktionen ein, die deine Clients brauchen.',
  },
  'client.identity-server': {
    title: 'Identitätsserver in der Client-Erkennung',
    description:
      'Nennt die Datei einen Identitätsserver, prüfen Clients <base_url>/_matrix/identity/v2. Ein kaputter Eintrag macht den Identitätsserver unbrauchbar; die Erkennung des Homeservers hält er nicht auf.',
    fix: 'Korrigiere "m.identity_server.base_url" oder entferne "m.identity_server", wenn du keinen betreibst oder empfiehlst.',
  },
};
