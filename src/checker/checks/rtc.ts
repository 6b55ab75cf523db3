// MatrixRTC calls (Element Call): the transports endpoint, the older rtc_foci discovery,
// each LiveKit focus's authorization service (lk-jwt-service) and the server features
// calls need, with one summary: calls ready, not offered, or broken and why.
import { blockedByCors, describeFailure, hasCorsHeaders, meta, onPart, type CheckTranslations, type Descriptions, type Outcome, type ReportCheck, type RtcAuthorizationService, type RtcEvidence } from '../evidence.ts';
import type { HttpResult } from '../interfaces.ts';
import { RTC_FOCI_KEY } from '../rtc-discovery.ts';
import { parseJsonObject } from '../well-known.ts';

const GUIDE = '/docs/matrixrtc-calls/';
// Pure, so that the German texts below, built with it, stay out of the English bundle.
/* @__NO_SIDE_EFFECTS__ */ function withGuide(fix: string, anchor: string, label = 'Guide'): string {
  return `${fix} ${label}: ${GUIDE}#${anchor}`;
}

type TransportsAnswer = 'exists' | 'exists-no-cors' | 'no-cors' | 'missing' | 'error';

/** What one GET without a token says about the transports endpoint. */
function transportsAnswer(response: HttpResult): TransportsAnswer {
  if (blockedByCors(response)) return 'no-cors';
  if (!response.ok) return 'error';
  if (response.status === 401 || response.status === 200) return hasCorsHeaders(response) ? 'exists' : 'exists-no-cors';
  const parsed = parseJsonObject(response.body);
  const errcode = parsed.ok ? parsed.value.errcode : undefined;
  if (response.status === 404 || errcode === 'M_UNRECOGNIZED') return 'missing';
  return 'error';
}

function transportsOffered(rtc: RtcEvidence): boolean {
  return rtc.transports.some(({ response }) => ['exists', 'exists-no-cors', 'no-cors'].includes(transportsAnswer(response)));
}

function callsOffered(rtc: RtcEvidence): boolean {
  return transportsOffered(rtc) || rtc.foci.present;
}

export const rtcTransports: ReportCheck = {
  meta: meta({
    id: 'rtc.transports',
    title: 'MatrixRTC transports endpoint (MSC4143)',
    area: 'rtc',
    fix: withGuide(
      'Let the 401 of the transports endpoint carry CORS headers (Access-Control-Allow-Origin: *) like every /_matrix/client/ answer.',
      'the-transports-endpoint',
    ),
  }),
  run: onPart('rtc', (rtc) => {
    const answers = rtc.transports.map((transport) => ({ ...transport, answer: transportsAnswer(transport.response) }));
    const describe = ({ url, response }: { url: string; response: HttpResult }) => `${url} (${describeFailure(response)})`;
    const good = answers.filter((a) => a.answer === 'exists');
    if (good.length > 0) {
      return [{ status: 'pass', detail: `The endpoint exists, with CORS headers: ${good.map(describe).join(', ')}.` }];
    }
    const noCors = answers.filter((a) => a.answer === 'exists-no-cors' || a.answer === 'no-cors');
    if (noCors.length > 0) {
      const where = noCors.map((a) => (a.answer === 'no-cors' ? `${a.url} (answers, but this browser cannot read it)` : describe(a))).join(', ');
      return [{ status: 'warn', detail: `The endpoint answers without CORS headers: ${where}. Browser clients cannot use it.` }];
    }
    const errors = answers.filter((a) => a.answer === 'error');
    if (errors.length > 0) return [{ status: 'warn', detail: `The endpoint does not answer as expected: ${errors.map(describe).join(', ')}.` }];
    return [{ status: 'info', detail: `No transports endpoint: ${answers.map(describe).join(', ')}.` }];
  }),
};

export const rtcFoci: ReportCheck = {
  meta: meta({
    id: 'rtc.foci',
    title: 'LiveKit foci in the client .well-known (rtc_foci)',
    area: 'rtc',
    fix: withGuide(
      `Fix "${RTC_FOCI_KEY}" in /.well-known/matrix/client: [{"type": "livekit", "livekit_service_url": "https://…"}].`,
      'legacy-discovery-rtc_foci',
    ),
  }),
  run: onPart('rtc', (rtc) => {
    const { foci } = rtc;
    if (!foci.present) return [];
    if (foci.problems.length > 0) return [{ status: 'warn', detail: `${foci.problems.join('; ')}.` }];
    const other = foci.otherTypes.length > 0 ? ` Other focus types (not checked): ${foci.otherTypes.join(', ')}.` : '';
    if (foci.livekitUrls.length === 0) return [{ status: 'info', detail: `"${RTC_FOCI_KEY}" lists no LiveKit focus.${other}` }];
    const data = { livekit_service_urls: foci.livekitUrls };
    const listed = `LiveKit focus: ${foci.livekitUrls.join(', ')}.${other}`;
    // Element Call 0.24 dropped this fallback: it asks the transports endpoint, then its own config.
    if (!transportsOffered(rtc)) {
      return [{ status: 'warn', detail: `${listed} Only this older discovery is offered; Element Call 0.24 and later ignore it.`, data, fix: rtcTransports.meta.fix }];
    }
    return [{ status: 'pass', detail: `${listed} Kept for older clients.`, data }];
  }),
};

/** How one token endpoint answers: usable from a browser, without CORS, missing, down or not reachable. */
function endpointState({ get, preflight }: RtcAuthorizationService['endpoints'][number]): 'ok' | 'no-cors' | 'missing' | 'down' | 'unreachable' {
  if (blockedByCors(get)) return 'no-cors';
  if (!get.ok) return 'unreachable';
  if (get.status === 404) return 'missing';
  // lk-jwt-service answers a GET with 405 and its own CORS headers: a 5xx is the reverse
  // proxy's answer for a service that is not running, with or without CORS added by the proxy.
  if (get.status >= 500) return 'down';
  if (!hasCorsHeaders(get)) return 'no-cors';
  // A page cannot send a POST preflight by itself (its own OPTIONS request gets one for
  // OPTIONS, which lk-jwt-service does not allow): only a readable preflight is judged.
  if (preflight.ok && (preflight.status >= 300 || !hasCorsHeaders(preflight))) return 'no-cors';
  return 'ok';
}

function serviceOutcome(service: RtcAuthorizationService): Outcome {
  const { url, health, endpoints } = service;
  const [current, legacy] = endpoints.map((endpoint) => ({ path: endpoint.path, state: endpointState(endpoint) }));
  const healthy = health.ok ? health.status === 200 : blockedByCors(health);
  const data = { url, health: health.ok ? health.status : health.error.kind, endpoints: { [current.path]: current.state, [legacy.path]: legacy.state } };
  if (!url.startsWith('https:')) {
    return { status: 'fail', detail: `${url} is not https: browsers block it on https pages.`, data };
  }
  if (current.state === 'unreachable' && legacy.state === 'unreachable' && !healthy) {
    return { status: 'fail', detail: `${url} is not reachable (${describeFailure(health)}): nobody can join a call.`, data };
  }
  if (current.state === 'down' && legacy.state !== 'ok') {
    return { status: 'fail', detail: `${url}${current.path} answers ${describeFailure(endpoints[0].get)}: lk-jwt-service is not answering behind its proxy, so nobody can join a call.`, data };
  }
  if (current.state === 'no-cors' || (current.state !== 'ok' && legacy.state === 'no-cors')) {
    const path = current.state === 'no-cors' ? current.path : legacy.path;
    return { status: 'fail', detail: `${url}${path} answers without CORS headers: Element Call in a browser cannot get a token.`, data };
  }
  if (current.state !== 'ok' && legacy.state !== 'ok') {
    return { status: 'fail', detail: `${url} has no token endpoint (${current.path}: ${current.state}, ${legacy.path}: ${legacy.state}).`, data };
  }
  const healthNote = healthy ? `${url}/healthz answers` : `${url}/healthz gave ${describeFailure(health)}`;
  if (current.state !== 'ok') {
    return { status: 'warn', detail: `Only the old ${legacy.path} endpoint works (${current.path}: ${current.state}); current clients ask ${current.path}. ${healthNote}.`, data };
  }
  if (!healthy) return { status: 'warn', detail: `The token endpoint works, but ${healthNote}.`, data };
  return { status: 'pass', detail: `${healthNote}; ${current.path} answers with CORS headers.`, data };
}

export const rtcAuthorizationService: ReportCheck = {
  meta: meta({
    id: 'rtc.authorization-service',
    title: 'MatrixRTC authorization service (lk-jwt-service)',
    area: 'rtc',
    fix: withGuide(
      'Serve lk-jwt-service over https at livekit_service_url; the proxy cuts the prefix off and adds no CORS headers of its own.',
      'the-authorization-service',
    ),
  }),
  run: onPart('rtc', ({ services }) => services.map(serviceOutcome)),
};

/** v1.15 made room summaries (MSC3266) stable. */
function specVersionAtLeast(versions: string[], minor: number): boolean {
  return versions.some((version) => {
    const match = /^v1\.(\d+)$/.exec(version);
    return match !== null && Number(match[1]) >= minor;
  });
}

export const rtcFeatures: ReportCheck = {
  meta: meta({
    id: 'rtc.features',
    title: 'Server features calls need (MSC4140, MSC3266)',
    area: 'rtc',
    fix: withGuide(
      'Enable delayed events (MSC4140); in Synapse, set max_event_delay_duration (e.g. 24h).',
      'server-features',
    ),
  }),
  run: onPart('rtc', (rtc, { client }) => {
    const versions = client?.versions?.interpretation;
    if (!callsOffered(rtc) || !versions?.ok) return [];
    const features = versions.unstableFeatures;
    const delayed = features['org.matrix.msc4140'] === true;
    const summaries = features['im.nheko.summary'] === true || specVersionAtLeast(versions.versions, 15);
    const data = { msc4140: delayed, msc3266: summaries };
    const summaryNote = `room summaries (MSC3266) are ${summaries ? '' : 'not '}advertised`;
    if (!delayed) {
      return [{ status: 'warn', detail: `Delayed events (MSC4140, "org.matrix.msc4140") are not advertised: members who drop out stay in the call. Also, ${summaryNote}.`, data }];
    }
    return [{ status: 'pass', detail: `Delayed events (MSC4140) are on; ${summaryNote}.`, data }];
  }),
};

const PARTS: readonly ReportCheck[] = [rtcTransports, rtcFoci, rtcAuthorizationService, rtcFeatures];

export const rtcCalls: ReportCheck = {
  meta: meta({
    id: 'rtc.calls',
    title: 'Calls (MatrixRTC): ready, not offered or broken',
    area: 'rtc',
    fix: withGuide('See the findings below.', 'common-mistakes'),
  }),
  run(evidence) {
    const { rtc } = evidence;
    // Without a working homeserver URL from client discovery nothing about calls was asked:
    // the area is absent from the report, as for any area not tested.
    if (!rtc) return [];
    if (!callsOffered(rtc)) {
      return [{ status: 'info', detail: `Calls: not offered (no transports endpoint, no "${RTC_FOCI_KEY}").` }];
    }
    const outcomes = PARTS.flatMap((check) => check.run(evidence));
    const because = (status: Outcome['status']) => outcomes.filter((outcome) => outcome.status === status).map((outcome) => outcome.detail).join(' ');
    if (outcomes.some((outcome) => outcome.status === 'fail')) return [{ status: 'fail', detail: `Calls: broken, because ${because('fail')}` }];
    if (outcomes.some((outcome) => outcome.status === 'warn')) return [{ status: 'warn', detail: `Calls: may fail, because ${because('warn')}` }];
    const untested = rtc.services.length === 0 ? ' (The authorization service is listed to signed-in clients only: not tested.)' : '';
    return [{ status: 'pass', detail: `Calls: ready.${untested}` }];
  },
};

/** For the check reference page only, so that the browser bundle leaves them out. */
export const descriptions: Descriptions = {
  'rtc.calls':
    'The summary for calls: ready, not offered (no transports endpoint and no rtc_foci: info, not a failure), or broken or at risk, with the reasons from the checks below.',
  'rtc.transports':
    'GET /_matrix/client/v1/rtc/transports (unstable /_matrix/client/unstable/org.matrix.msc4143/rtc/transports) needs an access token, so fedcheck asks without one: 401 M_MISSING_TOKEN means the endpoint exists, 404 or M_UNRECOGNIZED that it does not. The 401 must carry CORS headers, or browser clients cannot read the list of transports.',
  'rtc.foci':
    'The older discovery: "org.matrix.msc4143.rtc_foci" in /.well-known/matrix/client, a list of {"type": "livekit", "livekit_service_url": …}. Element Call 0.24 and later no longer read it (only the transports endpoint), so offering only this warns; older clients still use it, and it is the only place a checker without an account can see the authorization service.',
  'rtc.authorization-service':
    'For each LiveKit focus: lk-jwt-service answers GET /healthz with 200 (no CORS headers), and its token endpoints /get_token (current) and /sfu/get (older) answer a CORS preflight with 200 and Access-Control-Allow-Origin: *, and a GET with 405 and the same headers. Missing CORS on the token endpoint stops Element Call in a browser; an http URL is blocked from https pages. A 5xx from the token endpoint is the reverse proxy saying that lk-jwt-service is not running.',
  'rtc.features':
    'Element Call relies on delayed events (MSC4140, flag "org.matrix.msc4140") so that a member who drops out leaves the call, and uses room summaries (MSC3266, flag "im.nheko.summary" or spec v1.15) to decide between joining and knocking. Only delayed events count: Synapse serves room summaries without advertising them, so their flag is only noted.',
};

export const de: CheckTranslations = {
  'rtc.calls': {
    title: 'Anrufe (MatrixRTC): bereit, nicht angeboten oder kaputt',
    description: 'Die Zusammenfassung für Anrufe: bereit, nicht angeboten (kein Transports-Endpunkt und keine rtc_foci: ein Hinweis, kein Fehler) oder kaputt bzw. gefährdet, mit den Gründen aus den Prüfungen darunter.',
    fix: withGuide('Was zu ändern ist, steht in den Ergebnissen zu Anrufen darunter.', 'common-mistakes', 'Anleitung'),
  },
  'rtc.transports': {
    title: 'MatrixRTC-Transports-Endpunkt (MSC4143)',
    description: 'GET /_matrix/client/v1/rtc/transports (instabil /_matrix/client/unstable/org.matrix.msc4143/rtc/transports) braucht ein Zugriffstoken, daher fragt fedcheck ohne eines: 401 M_MISSING_TOKEN heißt, dass der Endpunkt existiert, 404 oder M_UNRECOGNIZED, dass er fehlt. Die 401 muss CORS-Header tragen, sonst können Browser-Clients die Liste der Transports nicht lesen.',
    fix: withGuide(
      'Sende CORS-Header (Access-Control-Allow-Origin: *) auf jeder Antwort unter /_matrix/client/, auch auf der 401 des Transports-Endpunkts; lass den Reverse-Proxy keine 401 ohne diese Header selbst beantworten.',
      'the-transports-endpoint',
      'Anleitung',
    ),
  },
  'rtc.foci': {
    title: 'LiveKit-Foci in der Client-.well-known (rtc_foci)',
    description: 'Die ältere Erkennung: "org.matrix.msc4143.rtc_foci" in /.well-known/matrix/client, eine Liste von {"type": "livekit", "livekit_service_url": …}. Element Call liest sie ab Version 0.24 nicht mehr (nur noch den Transports-Endpunkt), daher warnt fedcheck, wenn nur sie angeboten wird; ältere Clients nutzen sie noch, und nur hier kann ein Prüfer ohne Konto den Autorisierungsdienst sehen.',
    fix: withGuide(
      `Trage den Fokus in /.well-known/matrix/client ein: "${RTC_FOCI_KEY}": [{"type": "livekit", "livekit_service_url": "https://matrix-rtc.example.org/livekit/jwt"}].`,
      'legacy-discovery-rtc_foci',
      'Anleitung',
    ),
  },
  'rtc.authorization-service': {
    title: 'MatrixRTC-Autorisierungsdienst (lk-jwt-service)',
    description: 'Für jeden LiveKit-Fokus: lk-jwt-service beantwortet GET /healthz mit 200 (ohne CORS-Header), und seine Token-Endpunkte /get_token (aktuell) und /sfu/get (älter) beantworten einen CORS-Preflight mit 200 und Access-Control-Allow-Origin: * und ein GET mit 405 und denselben Headern. Fehlen die CORS-Header am Token-Endpunkt, scheitert Element Call im Browser; eine http-URL wird auf https-Seiten blockiert. Ein 5xx vom Token-Endpunkt ist die Antwort des Reverse-Proxys, dass lk-jwt-service nicht läuft.',
    fix: withGuide(
      'Betreibe lk-jwt-service hinter https unter livekit_service_url und lass den Reverse-Proxy seine Antworten unverändert durch (er sendet auf /get_token und /sfu/get eigene CORS-Header).',
      'the-authorization-service',
      'Anleitung',
    ),
  },
  'rtc.features': {
    title: 'Serverfunktionen, die Anrufe brauchen (MSC4140, MSC3266)',
    description: 'Element Call verlässt sich auf verzögerte Ereignisse (MSC4140, Flag "org.matrix.msc4140"), damit ein Mitglied, dessen Verbindung abbricht, den Anruf verlässt, und nutzt Raumzusammenfassungen (MSC3266, Flag "im.nheko.summary" oder Spec v1.15), um zwischen Beitreten und Anklopfen zu wählen.',
    fix: withGuide(
      'Schalte verzögerte Ereignisse (MSC4140) ein: Setze in Synapse max_event_delay_duration (z. B. 24h) in homeserver.yaml; dann nennt /_matrix/client/versions "org.matrix.msc4140".',
      'server-features',
      'Anleitung',
    ),
  },
};
