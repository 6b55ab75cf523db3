// OAuth 2.0 sign-in (spec v1.15 "OAuth 2.0 API"; MSC2965, MSC2964, MSC2966, MSC4191,
// MSC4108, MSC3824): the metadata rules are the ones matrix-js-sdk's isValidAuthMetadata
// applies before a client signs in; the CORS rules are what Element Web needs in a browser.
import { jwksKeys, parseDocument, type AuthEvidence, type AuthFetch } from '../auth-discovery.ts';
import { describeFailure, meta, type CheckTranslations, type Descriptions, type Evidence, type Outcome, type ReportCheck } from '../evidence.ts';
import type { HttpResult } from '../interfaces.ts';
import type { JsonObject } from '../well-known.ts';

const GUIDE = '/docs/oauth-sign-in/';

function onAuth(run: (auth: AuthEvidence) => Outcome[]) {
  return (evidence: Evidence): Outcome[] => (evidence.auth ? run(evidence.auth) : []);
}

/** Runs over the metadata document when there is one. */
function onMetadata(run: (metadata: JsonObject, auth: AuthEvidence) => Outcome[]) {
  return onAuth((auth) => (auth.metadata && 'value' in auth.metadata ? run(auth.metadata.value, auth) : []));
}

const has = (metadata: JsonObject, key: string, value: string) => Array.isArray(metadata[key]) && (metadata[key] as unknown[]).includes(value);

const notOffered = (response: HttpResult) =>
  response.ok && (response.status === 404 || (response.status >= 400 && response.status < 500 && /"M_UNRECOGNIZED"/.test(response.body)));

export const authMetadata: ReportCheck = {
  meta: meta({
    id: 'auth.metadata',
    title: 'OAuth 2.0 server metadata (auth_metadata)',
    area: 'auth',
    fix: `Serve the authorization server's metadata at GET <client base URL>/_matrix/client/v1/auth_metadata (Synapse does with matrix_authentication_service enabled; MAS: route that path to it). Guide: ${GUIDE}`,
  }),
  run: onAuth((auth) => {
    const { answered, via } = auth;
    if (!answered) {
      const failed = auth.asked.find((fetched) => !fetched.response.ok);
      if (failed && !failed.response.ok && failed.response.error.kind === 'cors') {
        return [{ status: 'warn', detail: `This browser cannot read ${failed.url}: no CORS headers, so Element Web cannot find how to sign in either.`, fix: `Send "Access-Control-Allow-Origin: *" on ${failed.url}. Guide: ${GUIDE}#cors` }];
      }
      if (failed) return [{ status: 'warn', detail: `${failed.url} could not be asked: ${describeFailure(failed.response)}.` }];
      const other = auth.asked.find((fetched) => !notOffered(fetched.response));
      if (other) return [{ status: 'warn', detail: `${other.url} answered ${describeFailure(other.response)}; clients take that as "no OAuth" and fall back to /login.` }];
      return [{ status: 'info', detail: `${auth.baseUrl} offers no OAuth 2.0 sign-in (404 on auth_metadata, its unstable form and auth_issuer): clients use the /login flows.` }];
    }
    if (auth.metadata && 'problem' in auth.metadata) {
      return [{ status: 'fail', detail: `${answered.url} answered, but the metadata cannot be read: ${auth.metadata.problem}. Clients cannot sign in with OAuth.` }];
    }
    if (via === 'stable') return [{ status: 'pass', detail: `${answered.url} answers with the metadata.` }];
    const older = via === 'unstable' ? 'the unstable MSC2965 endpoint' : 'the older auth_issuer endpoint';
    return [
      {
        status: 'warn',
        detail: `Only ${older} (${answered.url}) answers. matrix-js-sdk (Element Web) and clients on spec v1.15 ask only /_matrix/client/v1/auth_metadata, so they do not find OAuth and fall back to /login.`,
      },
    ];
  }),
};

const REQUIRED_STRINGS = ['issuer', 'authorization_endpoint', 'token_endpoint', 'revocation_endpoint'];
const REQUIRED_VALUES: [string, string][] = [
  ['response_types_supported', 'code'],
  ['response_modes_supported', 'query'],
  ['response_modes_supported', 'fragment'],
  ['grant_types_supported', 'authorization_code'],
  ['grant_types_supported', 'refresh_token'],
];
const OPTIONAL_STRINGS = ['account_management_uri', 'device_authorization_endpoint'];
const OPTIONAL_LISTS = ['account_management_actions_supported', 'prompt_values_supported'];

const isNonEmptyString = (value: unknown) => typeof value === 'string' && value !== '';

export const authMetadataFields: ReportCheck = {
  meta: meta({
    id: 'auth.metadata.fields',
    title: 'Metadata has the fields clients require',
    area: 'auth',
    fix: `Serve complete metadata (MAS generates it; check a hand-written or proxied copy): issuer, authorization_endpoint, token_endpoint, revocation_endpoint, response_types_supported with "code", response_modes_supported with "query" and "fragment", grant_types_supported with "authorization_code" and "refresh_token". Guide: ${GUIDE}`,
  }),
  run: onMetadata((metadata) => {
    const problems = [
      ...REQUIRED_STRINGS.filter((key) => !isNonEmptyString(metadata[key])).map((key) => `"${key}" is missing or not a string`),
      ...REQUIRED_VALUES.filter(([key, value]) => !has(metadata, key, value)).map(([key, value]) => `"${key}" lacks "${value}"`),
      ...OPTIONAL_STRINGS.filter((key) => metadata[key] && typeof metadata[key] !== 'string').map((key) => `"${key}" is not a string`),
      ...OPTIONAL_LISTS.filter((key) => {
        const value = metadata[key];
        return value && !(Array.isArray(value) && value.every((item) => typeof item === 'string'));
      }).map((key) => `"${key}" is not a list of strings`),
    ];
    return problems.length > 0
      ? [{ status: 'fail', detail: `${problems.join('; ')}. matrix-js-sdk refuses this metadata, so Element Web cannot sign in.` }]
      : [{ status: 'pass', detail: 'Every field and value clients require is there.' }];
  }),
};

export const authPkce: ReportCheck = {
  meta: meta({
    id: 'auth.metadata.pkce',
    title: 'PKCE with S256 (MSC2964)',
    area: 'auth',
    fix: `List "S256" in code_challenge_methods_supported; clients use PKCE with S256 on every sign-in. Guide: ${GUIDE}`,
  }),
  run: onMetadata((metadata) =>
    has(metadata, 'code_challenge_methods_supported', 'S256')
      ? [{ status: 'pass', detail: 'code_challenge_methods_supported lists S256.' }]
      : [{ status: 'fail', detail: `code_challenge_methods_supported ${JSON.stringify(metadata.code_challenge_methods_supported ?? null)} lacks "S256": clients refuse to sign in.` }],
  ),
};

export const authRegistration: ReportCheck = {
  meta: meta({
    id: 'auth.metadata.registration',
    title: 'Dynamic client registration (MSC2966)',
    area: 'auth',
    fix: `Give registration_endpoint: Matrix clients register themselves before each first sign-in (MAS serves /oauth2/registration). Guide: ${GUIDE}`,
  }),
  run: onMetadata((metadata) =>
    isNonEmptyString(metadata.registration_endpoint)
      ? [{ status: 'pass', detail: `registration_endpoint is ${metadata.registration_endpoint}.` }]
      : [{ status: 'fail', detail: 'There is no registration_endpoint: clients cannot register themselves, so they cannot sign in.' }],
  ),
};

export const authHttps: ReportCheck = {
  meta: meta({
    id: 'auth.metadata.https',
    title: 'Every metadata URL is https',
    area: 'auth',
    fix: `Give the authorization server its public https:// URL (MAS: http.public_base and, if set, http.issuer) so that every URL it announces is https. Guide: ${GUIDE}`,
  }),
  run: onMetadata((metadata) => {
    const urls = Object.entries(metadata).filter(([key, value]) => (key === 'issuer' || /_(endpoint|uri)$/.test(key)) && typeof value === 'string') as [string, string][];
    const bad = urls.filter(([, value]) => !value.startsWith('https://') || !URL.canParse(value)).map(([key, value]) => `${key} ${JSON.stringify(value)}`);
    const issuer = typeof metadata.issuer === 'string' && URL.canParse(metadata.issuer) ? new URL(metadata.issuer) : null;
    if (issuer && (issuer.search || issuer.hash)) bad.push('issuer has a query or fragment');
    return bad.length > 0
      ? [{ status: 'fail', detail: `Not an https URL: ${bad.join('; ')}.` }]
      : [{ status: 'pass', detail: `All ${urls.length} URLs are https.` }];
  }),
};

export const authIssuer: ReportCheck = {
  meta: meta({
    id: 'auth.issuer',
    title: "Issuer's own discovery names the same issuer",
    area: 'auth',
    fix: `Make {issuer}/.well-known/openid-configuration answer with exactly the same "issuer" string, trailing slash included (MAS: set http.issuer to the URL it is reached at). Guide: ${GUIDE}#common-mistakes`,
  }),
  run: onAuth(({ issuer, issuerDiscovery, via }) => {
    if (!issuer || !issuerDiscovery) return [];
    const { response, url } = issuerDiscovery;
    if (!response.ok && response.error.kind === 'cors') return [];
    // Found through auth_issuer, this document is the metadata: RFC 8414 §3.3 says not to use it.
    const status = via === 'auth_issuer' ? 'fail' : 'warn';
    const parsed = parseDocument(response);
    if ('problem' in parsed) return [{ status, detail: `${url}: ${parsed.problem}.` }];
    const named = parsed.value.issuer;
    return named === issuer
      ? [{ status: 'pass', detail: `${url} names the issuer ${issuer}.` }]
      : [{ status, detail: `The issuer is ${JSON.stringify(issuer)}, but ${url} names ${JSON.stringify(named ?? null)}. RFC 8414 requires the exact same string; clients that check it refuse the server.` }];
  }),
};

export const authJwks: ReportCheck = {
  meta: meta({
    id: 'auth.jwks',
    title: "Issuer's signing keys (jwks_uri)",
    area: 'auth',
    fix: `Serve the authorization server's keys at jwks_uri (MAS: /oauth2/keys.json) through the reverse proxy. Guide: ${GUIDE}`,
  }),
  run: onMetadata((metadata, { jwks }) => {
    if (!jwks) return [{ status: 'info', detail: 'The metadata names no jwks_uri: clients cannot verify ID token signatures.' }];
    if (!jwks.response.ok && jwks.response.error.kind === 'cors') return [];
    const keys = jwksKeys(jwks.response);
    return typeof keys === 'number'
      ? [{ status: 'pass', detail: `${jwks.url} has ${keys} key(s).` }]
      : [{ status: 'warn', detail: `${jwks.url}: ${keys}. Clients that verify ID tokens cannot sign in.` }];
  }),
};

/** Access-Control-Allow-Origin on the GET and the preflight; nothing when it was not read for other reasons. */
function corsOutcome(fetched: AuthFetch | undefined, what: string): Outcome[] {
  if (!fetched) return [];
  const { response, preflight, url } = fetched;
  if (!response.ok && response.error.kind !== 'cors') return [];
  const allows = (result: HttpResult | undefined) => result?.ok === true && result.headers['access-control-allow-origin'] !== undefined;
  const missing = [
    ...(allows(response) ? [] : ['the GET']),
    ...(!preflight || allows(preflight) ? [] : [`the OPTIONS preflight (${describeFailure(preflight)})`]),
  ];
  return missing.length > 0
    ? [{ status: 'warn', detail: `${url}: no Access-Control-Allow-Origin on ${missing.join(' and ')}. Element Web and other browser clients cannot read ${what}.` }]
    : [{ status: 'pass', detail: `${url} allows browser clients (GET and preflight).` }];
}

const corsFix = (where: string) =>
  `Send "Access-Control-Allow-Origin: *" (and answer OPTIONS with it) on ${where}; nginx: add_header Access-Control-Allow-Origin * always; Caddy: header Access-Control-Allow-Origin *. Guide: ${GUIDE}#cors`;

export const authMetadataCors: ReportCheck = {
  meta: meta({ id: 'auth.metadata.cors', title: 'Sign-in metadata has CORS headers', area: 'auth', fix: corsFix('/_matrix/client/v1/auth_metadata (and the other /_matrix/client paths)') }),
  run: onAuth((auth) => corsOutcome(auth.answered, 'how to sign in')),
};

export const authIssuerCors: ReportCheck = {
  meta: meta({ id: 'auth.issuer.cors', title: "Issuer's discovery has CORS headers", area: 'auth', fix: corsFix("the authorization server's /.well-known/openid-configuration") }),
  run: onAuth((auth) => corsOutcome(auth.issuerDiscovery, "the issuer's metadata")),
};

export const authJwksCors: ReportCheck = {
  meta: meta({ id: 'auth.jwks.cors', title: 'Signing keys have CORS headers', area: 'auth', fix: corsFix("the authorization server's jwks_uri") }),
  run: onAuth((auth) => corsOutcome(auth.jwks, 'the signing keys')),
};

function optionalFeature(present: boolean, partly: string | null, pass: string, absent: string): Outcome[] {
  if (partly) return [{ status: 'warn', detail: partly }];
  return [present ? { status: 'pass', detail: pass } : { status: 'info', detail: absent }];
}

export const authAccountManagement: ReportCheck = {
  meta: meta({
    id: 'auth.account-management',
    title: 'Account management URL (MSC4191)',
    area: 'auth',
    fix: `Give account_management_uri and account_management_actions_supported. Guide: ${GUIDE}`,
  }),
  run: onMetadata((metadata) => {
    const actions = metadata.account_management_actions_supported;
    return optionalFeature(
      isNonEmptyString(metadata.account_management_uri),
      null,
      `${metadata.account_management_uri}${Array.isArray(actions) ? ` (actions: ${actions.join(', ') || 'none'})` : ''}: clients link to it for password, sessions and account deletion.`,
      'No account_management_uri: clients cannot send users to manage their account, sessions or password.',
    );
  }),
};

export const authRegistrationPrompt: ReportCheck = {
  meta: meta({
    id: 'auth.prompt-create',
    title: 'Account creation from the client (prompt=create)',
    area: 'auth',
    fix: `List "create" in prompt_values_supported if users may create accounts on the authorization server. Guide: ${GUIDE}`,
  }),
  run: onMetadata((metadata) =>
    optionalFeature(
      has(metadata, 'prompt_values_supported', 'create'),
      null,
      'prompt_values_supported lists "create": clients offer "Create account".',
      'prompt_values_supported does not list "create": clients offer no "Create account" (fine when registration is closed).',
    ),
  ),
};

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

export const authDeviceCode: ReportCheck = {
  meta: meta({
    id: 'auth.device-code',
    title: 'Sign in with a QR code (device authorization grant, MSC4108)',
    area: 'auth',
    fix: `Announce both device_authorization_endpoint and the grant "${DEVICE_CODE}" in grant_types_supported. Guide: ${GUIDE}`,
  }),
  run: onMetadata((metadata) => {
    const endpoint = isNonEmptyString(metadata.device_authorization_endpoint);
    const grant = has(metadata, 'grant_types_supported', DEVICE_CODE);
    return optionalFeature(
      endpoint && grant,
      endpoint !== grant ? `Only ${endpoint ? 'device_authorization_endpoint' : `the grant ${DEVICE_CODE}`} is announced; clients need both to sign in with a QR code.` : null,
      'The device authorization grant is announced: users can sign in a new device with a QR code.',
      'No device authorization grant: signing in with a QR code is not offered.',
    );
  }),
};

const PREFERRED = ['oauth_aware_preferred', 'org.matrix.msc3824.delegated_oidc_compatibility'];

export const authLoginFlows: ReportCheck = {
  meta: meta({
    id: 'auth.login-flows',
    title: 'Sign-in for older clients (/login, MSC3824)',
    area: 'auth',
    fix: `Route /_matrix/client/v3/login (and /_matrix/client/*/login/*) to MAS's compatibility layer, which offers m.login.sso with oauth_aware_preferred. Guide: ${GUIDE}`,
  }),
  run: onAuth(({ login }) => {
    if (!login) return [];
    const parsed = parseDocument(login.response);
    if ('problem' in parsed) return [{ status: 'warn', detail: `${login.url}: ${parsed.problem}; clients without OAuth support cannot sign in.` }];
    const flows = Array.isArray(parsed.value.flows) ? parsed.value.flows : [];
    const sso = flows.find((flow) => (flow as JsonObject | null)?.type === 'm.login.sso') as JsonObject | undefined;
    const types = flows.map((flow) => String((flow as JsonObject | null)?.type)).join(', ') || 'none';
    if (!sso) return [{ status: 'warn', detail: `${login.url} offers ${types} but not m.login.sso: clients that predate OAuth cannot sign in through the authorization server.` }];
    return PREFERRED.some((key) => sso[key] === true)
      ? [{ status: 'pass', detail: `m.login.sso with oauth_aware_preferred: OAuth-aware clients use OAuth, older ones SSO (flows: ${types}).` }]
      : [{ status: 'info', detail: `m.login.sso without oauth_aware_preferred (flows: ${types}): OAuth-aware clients are not told to prefer OAuth.` }];
  }),
};

export const authChecks: readonly ReportCheck[] = [
  authMetadata,
  authMetadataFields,
  authPkce,
  authRegistration,
  authHttps,
  authIssuer,
  authJwks,
  authMetadataCors,
  authIssuerCors,
  authJwksCors,
  authAccountManagement,
  authRegistrationPrompt,
  authDeviceCode,
  authLoginFlows,
];

/** For the check reference page only, so that the browser bundle leaves them out. */
export const descriptions: Descriptions = {
  'auth.metadata':
    'Clients find OAuth 2.0 sign-in at GET <client base URL>/_matrix/client/v1/auth_metadata (spec v1.15). fedcheck then asks the unstable MSC2965 endpoint and the older auth_issuer, as older clients did. Nothing anywhere (404 / M_UNRECOGNIZED) means the server uses the classic /login flows: info, not a problem.',
  'auth.metadata.fields':
    'The fields matrix-js-sdk requires before it signs in: issuer, authorization, token and revocation endpoints; the "code" response type; the "query" and "fragment" response modes; the authorization_code and refresh_token grants. Optional fields must have the right type.',
  'auth.metadata.pkce': 'Matrix clients use PKCE with the S256 method (MSC2964); a server that does not list it is refused.',
  'auth.metadata.registration': 'Matrix clients register themselves at registration_endpoint (dynamic client registration, MSC2966) before their first sign-in.',
  'auth.metadata.https': 'The issuer and every endpoint must be https URLs; the issuer has no query or fragment.',
  'auth.issuer':
    'The issuer publishes its own metadata at {issuer}/.well-known/openid-configuration; its "issuer" must be exactly the issuer clients were given (RFC 8414 §3.3). A mismatch, often a trailing slash or an http/https difference, makes careful clients refuse the server; found through auth_issuer it is fatal.',
  'auth.jwks': 'jwks_uri holds the keys the authorization server signs ID tokens with; it must answer with a non-empty "keys" list.',
  'auth.metadata.cors': 'Element Web and other browser clients read auth_metadata from the page: it needs Access-Control-Allow-Origin, on the GET and on the OPTIONS preflight.',
  'auth.issuer.cors': "Browser clients may read the issuer's own discovery document; it needs Access-Control-Allow-Origin too.",
  'auth.jwks.cors': 'Browser clients fetch the signing keys from the page; jwks_uri needs Access-Control-Allow-Origin.',
  'auth.account-management': 'Optional (MSC4191): a URL where users manage their account, with the actions it supports; clients show it as "Manage account".',
  'auth.prompt-create': 'Optional: "create" in prompt_values_supported lets clients offer account creation on the authorization server.',
  'auth.device-code': 'Optional (MSC4108): the device authorization grant, with its endpoint, lets users sign in a new device by scanning a QR code.',
  'auth.login-flows':
    'Clients that predate OAuth read GET /_matrix/client/v3/login. With MAS it offers m.login.sso, flagged oauth_aware_preferred (MSC3824) so that clients which can do OAuth do it instead.',
};

export const de: CheckTranslations = {
  'auth.metadata': {
    title: 'OAuth-2.0-Metadaten des Servers (auth_metadata)',
    description: 'Clients finden die Anmeldung über OAuth 2.0 unter GET <Client-Basis-URL>/_matrix/client/v1/auth_metadata (Spec v1.15). fedcheck fragt danach den instabilen MSC2965-Endpunkt und das ältere auth_issuer ab. Gibt es nichts davon (404 / M_UNRECOGNIZED), nutzt der Server die klassische Anmeldung über /login: ein Hinweis, kein Fehler.',
    fix: `Die Metadaten des Autorisierungsservers unter GET <Client-Basis-URL>/_matrix/client/v1/auth_metadata ausliefern (Synapse tut das, wenn matrix_authentication_service aktiv ist; sonst den Pfad zu MAS leiten). Anleitung: ${GUIDE}`,
  },
  'auth.metadata.fields': {
    title: 'Metadaten enthalten alle Pflichtfelder',
    description: 'Die Felder, die matrix-js-sdk vor der Anmeldung verlangt: issuer, Autorisierungs-, Token- und Widerrufs-Endpunkt; Antworttyp "code"; Antwortmodi "query" und "fragment"; die Grants authorization_code und refresh_token. Optionale Felder müssen den richtigen Typ haben.',
    fix: `Vollständige Metadaten ausliefern (MAS erzeugt sie; eine handgeschriebene oder weitergereichte Kopie prüfen). Anleitung: ${GUIDE}`,
  },
  'auth.metadata.pkce': {
    title: 'PKCE mit S256 (MSC2964)',
    description: 'Matrix-Clients nutzen PKCE mit S256; ein Server, der es nicht anbietet, wird abgelehnt.',
    fix: `"S256" in code_challenge_methods_supported aufnehmen. Anleitung: ${GUIDE}`,
  },
  'auth.metadata.registration': {
    title: 'Dynamische Client-Registrierung (MSC2966)',
    description: 'Matrix-Clients registrieren sich vor der ersten Anmeldung selbst am registration_endpoint.',
    fix: `registration_endpoint angeben (MAS: /oauth2/registration). Anleitung: ${GUIDE}`,
  },
  'auth.metadata.https': {
    title: 'Alle URLs der Metadaten nutzen https',
    description: 'Der Issuer und jeder Endpunkt müssen https-URLs sein; der Issuer hat weder Query noch Fragment.',
    fix: `Dem Autorisierungsserver seine öffentliche https://-URL geben (MAS: http.public_base, ggf. http.issuer). Anleitung: ${GUIDE}`,
  },
  'auth.issuer': {
    title: 'Die Discovery des Issuers nennt denselben Issuer',
    description: 'Unter {issuer}/.well-known/openid-configuration muss "issuer" exakt dem bekannten Issuer entsprechen (RFC 8414 §3.3), samt abschließendem Schrägstrich.',
    fix: `Dafür sorgen, dass {issuer}/.well-known/openid-configuration genau denselben "issuer" nennt (MAS: http.issuer). Anleitung: ${GUIDE}#common-mistakes`,
  },
  'auth.jwks': {
    title: 'Signaturschlüssel des Issuers (jwks_uri)',
    description: 'Unter jwks_uri liegen die Schlüssel, mit denen ID-Tokens signiert werden; die Antwort braucht eine nicht leere Liste "keys".',
    fix: `Die Schlüssel unter jwks_uri über den Reverse Proxy erreichbar machen (MAS: /oauth2/keys.json). Anleitung: ${GUIDE}`,
  },
  'auth.metadata.cors': {
    title: 'Anmelde-Metadaten haben CORS-Header',
    description: 'Element Web und andere Browser-Clients lesen auth_metadata aus der Seite: nötig ist Access-Control-Allow-Origin auf GET und OPTIONS.',
    fix: `"Access-Control-Allow-Origin: *" auf /_matrix/client/v1/auth_metadata senden, auch auf OPTIONS. Anleitung: ${GUIDE}#cors`,
  },
  'auth.issuer.cors': {
    title: 'Discovery des Issuers hat CORS-Header',
    description: 'Browser-Clients lesen unter Umständen das Discovery-Dokument des Issuers; auch dort ist Access-Control-Allow-Origin nötig.',
    fix: `"Access-Control-Allow-Origin: *" auf /.well-known/openid-configuration des Autorisierungsservers senden. Anleitung: ${GUIDE}#cors`,
  },
  'auth.jwks.cors': {
    title: 'Signaturschlüssel haben CORS-Header',
    description: 'Browser-Clients holen die Signaturschlüssel aus der Seite; jwks_uri braucht Access-Control-Allow-Origin.',
    fix: `"Access-Control-Allow-Origin: *" auf jwks_uri senden. Anleitung: ${GUIDE}#cors`,
  },
  'auth.account-management': {
    title: 'URL zur Kontoverwaltung (MSC4191)',
    description: 'Optional: eine URL, unter der Nutzer ihr Konto verwalten, mit den unterstützten Aktionen.',
    fix: `account_management_uri und account_management_actions_supported angeben. Anleitung: ${GUIDE}`,
  },
  'auth.prompt-create': {
    title: 'Konto aus dem Client anlegen (prompt=create)',
    description: 'Optional: "create" in prompt_values_supported lässt Clients die Registrierung anbieten.',
    fix: `"create" in prompt_values_supported aufnehmen, wenn Registrierung erlaubt ist. Anleitung: ${GUIDE}`,
  },
  'auth.device-code': {
    title: 'Anmeldung per QR-Code (Device Authorization Grant, MSC4108)',
    description: 'Optional: der Device Authorization Grant samt Endpunkt erlaubt die Anmeldung neuer Geräte per QR-Code.',
    fix: `device_authorization_endpoint und den Grant "${DEVICE_CODE}" ankündigen. Anleitung: ${GUIDE}`,
  },
  'auth.login-flows': {
    title: 'Anmeldung für ältere Clients (/login, MSC3824)',
    description: 'Ältere Clients lesen GET /_matrix/client/v3/login. Mit MAS steht dort m.login.sso mit oauth_aware_preferred.',
    fix: `/_matrix/client/v3/login zur Kompatibilitätsschicht von MAS leiten. Anleitung: ${GUIDE}`,
  },
};
