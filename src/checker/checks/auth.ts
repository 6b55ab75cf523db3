// OAuth 2.0 sign-in (spec v1.15 "OAuth 2.0 API"; MSC2965, MSC2964, MSC2966, MSC4191,
// MSC4108, MSC3824): the metadata rules are the ones matrix-js-sdk's isValidAuthMetadata
// applies before a client signs in; the CORS rules are what Element Web needs in a browser.
// The texts are short on purpose: they ship in the page's engine (its byte budget).
import { jwksKeys, parseDocument, type AuthEvidence, type AuthFetch } from '../auth-discovery.ts';
import { blockedByCors, describeFailure, meta, type CheckTranslations, type Descriptions, type Evidence, type Outcome, type ReportCheck } from '../evidence.ts';
import type { HttpResult } from '../interfaces.ts';
import type { JsonObject } from '../well-known.ts';

const GUIDE = ' Guide: /docs/oauth-sign-in/';
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

type Run = (auth: AuthEvidence, metadata: JsonObject) => Outcome[];

/** A sign-in check; `metadataOnly` runs it only when there is a metadata document. */
function authCheck(id: string, title: string, fix: string, run: Run, metadataOnly = true): ReportCheck {
  return {
    meta: meta({ id, title, area: 'auth', fix: fix + GUIDE }),
    run: ({ auth }: Evidence) => {
      const metadata = auth?.metadata && 'value' in auth.metadata ? auth.metadata.value : undefined;
      return auth && (metadata || !metadataOnly) ? run(auth, metadata ?? {}) : [];
    },
  };
}

const outcome = (status: Outcome['status'], detail: string): Outcome[] => [{ status, detail }];
const has = (metadata: JsonObject, key: string, value: string) => Array.isArray(metadata[key]) && (metadata[key] as unknown[]).includes(value);
const isText = (value: unknown) => typeof value === 'string' && value !== '';

const notOffered = (response: HttpResult) =>
  response.ok && (response.status === 404 || (response.status < 500 && /"M_UNRECOGNIZED"/.test(response.body)));

export const authMetadata = authCheck(
  'auth.metadata',
  'OAuth 2.0 server metadata',
  'Serve the metadata at /_matrix/client/v1/auth_metadata (Synapse does with MAS enabled).',
  (auth) => {
    const { answered, via, metadata } = auth;
    if (!answered) {
      const failed = auth.asked.find((fetched) => !fetched.response.ok);
      if (failed) return outcome('warn', `${failed.url}: ${blockedByCors(failed.response) ? 'no CORS headers, unreadable for web clients' : describeFailure(failed.response)}.`);
      const other = auth.asked.find((fetched) => !notOffered(fetched.response));
      if (other) return outcome('warn', `${other.url}: ${describeFailure(other.response)}.`);
      return outcome('info', 'No OAuth 2.0 sign-in offered (404 on auth_metadata and its older forms); clients use /login.');
    }
    if (metadata && 'problem' in metadata) return outcome('fail', `${answered.url}: ${metadata.problem}.`);
    if (via === 'stable') return outcome('pass', `${answered.url} answers.`);
    return outcome('warn', `Only ${answered.url} answers: matrix-js-sdk asks only /_matrix/client/v1/auth_metadata and falls back to /login.`);
  },
  false,
);

const REQUIRED: [string, string?][] = [
  ['issuer'],
  ['authorization_endpoint'],
  ['token_endpoint'],
  ['revocation_endpoint'],
  ['response_types_supported', 'code'],
  ['response_modes_supported', 'query'],
  ['response_modes_supported', 'fragment'],
  ['grant_types_supported', 'authorization_code'],
  ['grant_types_supported', 'refresh_token'],
];

export const authMetadataFields = authCheck(
  'auth.metadata.fields',
  'Metadata has the fields clients require',
  'Serve complete metadata; check any hand-written or proxied copy.',
  (_auth, metadata) => {
    const problems = REQUIRED.filter(([key, value]) => (value ? !has(metadata, key, value) : !isText(metadata[key]))).map(([key, value]) => (value ? `${key} lacks "${value}"` : `no ${key}`));
    for (const key of ['account_management_uri', 'device_authorization_endpoint']) if (metadata[key] && typeof metadata[key] !== 'string') problems.push(`${key} is not a string`);
    for (const key of ['account_management_actions_supported', 'prompt_values_supported']) {
      const value = metadata[key];
      if (value && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) problems.push(`${key} is not a list of strings`);
    }
    return problems.length > 0 ? outcome('fail', `${problems.join('; ')}: clients refuse it.`) : outcome('pass', 'All required fields are there.');
  },
);

export const authPkce = authCheck('auth.metadata.pkce', 'PKCE with S256 (MSC2964)', 'List "S256" in code_challenge_methods_supported.', (_auth, metadata) =>
  has(metadata, 'code_challenge_methods_supported', 'S256') ? outcome('pass', 'S256 is listed.') : outcome('fail', 'code_challenge_methods_supported lacks "S256": clients refuse it.'),
);

export const authRegistration = authCheck('auth.metadata.registration', 'Dynamic client registration (MSC2966)', 'Give registration_endpoint.', (_auth, metadata) =>
  isText(metadata.registration_endpoint) ? outcome('pass', `${metadata.registration_endpoint}`) : outcome('fail', 'No registration_endpoint: clients cannot register, so they cannot sign in.'),
);

export const authHttps = authCheck('auth.metadata.https', 'Every metadata URL is https', "Give the authorization server its public https:// URL (MAS: http.public_base).", (_auth, metadata) => {
  const bad = Object.keys(metadata).filter((key) => {
    const value = metadata[key];
    return (key === 'issuer' || /_(endpoint|uri)$/.test(key)) && typeof value === 'string' && !(value.startsWith('https://') && URL.canParse(value) && (key !== 'issuer' || !/[?#]/.test(value)));
  });
  return bad.length > 0 ? outcome('fail', `Not https (or an issuer with a query): ${bad.join(', ')}.`) : outcome('pass', 'All URLs are https.');
});

export const authIssuer = authCheck(
  'auth.issuer',
  "Issuer's discovery names the same issuer",
  'Make {issuer}/.well-known/openid-configuration name exactly that issuer (MAS: http.issuer).',
  ({ issuer, issuerDiscovery }) => {
    // Asked only where auth_issuer names the issuer: this document is the metadata then, and
    // RFC 8414 §3.3 says not to use it when it names another issuer. Only clients that predate
    // auth_metadata go this way (auth.metadata warns about it), so it warns too.
    if (!issuer || !issuerDiscovery || blockedByCors(issuerDiscovery.response)) return [];
    const parsed = parseDocument(issuerDiscovery.response);
    if ('problem' in parsed) return outcome('warn', `${issuerDiscovery.url}: ${parsed.problem}.`);
    const named = JSON.stringify(parsed.value.issuer ?? null);
    return parsed.value.issuer === issuer ? outcome('pass', `${issuer}`) : outcome('warn', `Issuer "${issuer}", but ${issuerDiscovery.url} names ${named} (RFC 8414: must be identical).`);
  },
  false,
);

export const authJwks = authCheck('auth.jwks', "Issuer's signing keys (jwks_uri)", 'Serve the keys at jwks_uri (MAS: /oauth2/keys.json).', ({ jwks }) => {
  if (!jwks) return outcome('info', 'No jwks_uri.');
  if (blockedByCors(jwks.response)) return [];
  const keys = jwksKeys(jwks.response);
  return typeof keys === 'number' ? outcome('pass', `${keys} key(s).`) : outcome('warn', `${jwks.url}: ${keys}.`);
});

/** Access-Control-Allow-Origin on the GET and the preflight; nothing when it was not read for other reasons. */
function corsCheck(id: string, title: string, pick: (auth: AuthEvidence) => AuthFetch | undefined) {
  return authCheck(id, title, 'Send "Access-Control-Allow-Origin: *" there, on OPTIONS too, exactly once.', (auth) => {
    const fetched = pick(auth);
    if (!fetched || (!fetched.response.ok && !blockedByCors(fetched.response))) return [];
    const missing = (['GET', 'OPTIONS'] as const).filter((method, index) => {
      const result = index ? fetched.preflight : fetched.response;
      return !result?.ok || result.headers['access-control-allow-origin'] === undefined;
    });
    return missing.length > 0
      ? outcome('warn', `${fetched.url}: no Access-Control-Allow-Origin on ${missing.join(' and ')} (preflight: ${describeFailure(fetched.preflight!)}); web clients cannot read it.`)
      : outcome('pass', `${fetched.url}`);
  }, false);
}

export const authMetadataCors = corsCheck('auth.metadata.cors', 'Sign-in metadata has CORS headers', (auth) => auth.answered);
export const authIssuerCors = corsCheck('auth.issuer.cors', "Issuer's discovery has CORS headers", (auth) => auth.issuerDiscovery);
export const authJwksCors = corsCheck('auth.jwks.cors', 'Signing keys have CORS headers', (auth) => auth.jwks);

/** An optional feature: pass when announced, info when not, warn when half of it is. */
function feature(id: string, title: string, fix: string, announced: (metadata: JsonObject) => boolean[]) {
  return authCheck(id, title, fix, (_auth, metadata) => {
    const parts = announced(metadata);
    if (parts.every(Boolean)) return outcome('pass', 'Announced.');
    return parts.some(Boolean) ? outcome('warn', 'Only partly announced.') : outcome('info', 'Not announced.');
  });
}

export const authAccountManagement = feature('auth.account-management', 'Account management URL (MSC4191)', 'Give account_management_uri.', (metadata) => [isText(metadata.account_management_uri)]);
export const authRegistrationPrompt = feature('auth.prompt-create', 'Account creation from the client (prompt=create)', 'List "create" in prompt_values_supported if sign-up is open (MAS: account.password_registration_enabled).', (metadata) => [
  has(metadata, 'prompt_values_supported', 'create'),
]);
export const authDeviceCode = feature('auth.device-code', 'Sign in with a QR code (MSC4108)', `Announce device_authorization_endpoint and the grant ${DEVICE_CODE}.`, (metadata) => [
  isText(metadata.device_authorization_endpoint),
  has(metadata, 'grant_types_supported', DEVICE_CODE),
]);

export const authLoginFlows = authCheck('auth.login-flows', 'Sign-in for older clients (/login, MSC3824)', "Route /_matrix/client/*/login, logout and refresh to MAS.", ({ login }) => {
  if (!login) return [];
  const parsed = parseDocument(login.response);
  if ('problem' in parsed) return outcome('warn', `${login.url}: ${parsed.problem}.`);
  const flows = (Array.isArray(parsed.value.flows) ? parsed.value.flows : []) as JsonObject[];
  const sso = flows.find((flow) => flow?.type === 'm.login.sso');
  if (!sso) return outcome('warn', `${login.url} offers no m.login.sso.`);
  return sso.oauth_aware_preferred === true || sso['org.matrix.msc3824.delegated_oidc_compatibility'] === true
    ? outcome('pass', 'm.login.sso with oauth_aware_preferred.')
    : outcome('info', 'm.login.sso without oauth_aware_preferred.');
}, false);

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
    'Only for a server that answers nothing but the older auth_issuer: clients that still use it read the metadata at {issuer}/.well-known/openid-configuration, and its "issuer" must be exactly the issuer auth_issuer named (RFC 8414 §3.3); a mismatch, often a trailing slash or an http/https difference, makes them refuse the server (a warning: current clients fall back to /login there). Clients that read auth_metadata never ask that document (matrix-js-sdk 42 and later read nothing else; the spec says the issuer "is not used"), so it is not checked then: MAS\'s documented setup puts the issuer on the server name\'s domain, where nothing serves it.',
  'auth.jwks': 'jwks_uri holds the keys the authorization server signs ID tokens with; it must answer with a non-empty "keys" list.',
  'auth.metadata.cors': 'Element Web and other browser clients read auth_metadata from the page: it needs Access-Control-Allow-Origin, on the GET and on the OPTIONS preflight.',
  'auth.issuer.cors': "Only for a server that answers nothing but auth_issuer: browser clients then read the issuer's own discovery document as the metadata, so it needs Access-Control-Allow-Origin too.",
  'auth.jwks.cors': 'Browser clients fetch the signing keys from the page; jwks_uri needs Access-Control-Allow-Origin.',
  'auth.account-management': 'Optional (MSC4191): a URL where users manage their account, with the actions it supports; clients show it as "Manage account".',
  'auth.prompt-create': 'Optional: "create" in prompt_values_supported lets clients offer account creation on the authorization server.',
  'auth.device-code': 'Optional (MSC4108): the device authorization grant, with its endpoint, lets users sign in a new device by scanning a QR code.',
  'auth.login-flows':
    'Clients that predate OAuth read GET /_matrix/client/v3/login. With MAS it offers m.login.sso, flagged oauth_aware_preferred (MSC3824) so that clients which can do OAuth do it instead.',
};

const GUIDE_DE = ' Anleitung: /docs/oauth-sign-in/';

export const de: CheckTranslations = {
  'auth.metadata': {
    title: 'OAuth-2.0-Metadaten des Servers',
    description: 'Clients finden die Anmeldung über OAuth 2.0 unter GET <Client-Basis-URL>/_matrix/client/v1/auth_metadata (Spec v1.15). Danach fragt fedcheck den instabilen MSC2965-Endpunkt und das ältere auth_issuer ab, wie es ältere Clients taten. Gibt es nirgends etwas (404 / M_UNRECOGNIZED), nutzt der Server die klassische Anmeldung über /login: ein Hinweis, kein Problem.',
    fix: `Liefere die Metadaten unter /_matrix/client/v1/auth_metadata aus (Synapse tut das, wenn MAS aktiviert ist).${GUIDE_DE}`,
  },
  'auth.metadata.fields': {
    title: 'Metadaten haben die Felder, die Clients verlangen',
    description: 'Die Felder, die matrix-js-sdk vor der Anmeldung verlangt: issuer, Autorisierungs-, Token- und Widerrufs-Endpunkt; Antworttyp "code"; Antwortmodi "query" und "fragment"; die Grants authorization_code und refresh_token. Optionale Felder müssen den richtigen Typ haben.',
    fix: `Liefere vollständige Metadaten aus; prüfe jede handgeschriebene oder über einen Proxy weitergereichte Kopie.${GUIDE_DE}`,
  },
  'auth.metadata.pkce': {
    title: 'PKCE mit S256 (MSC2964)',
    description: 'Matrix-Clients nutzen PKCE mit der Methode S256 (MSC2964); einen Server, der sie nicht aufführt, lehnen sie ab.',
    fix: `Führe "S256" in code_challenge_methods_supported auf.${GUIDE_DE}`,
  },
  'auth.metadata.registration': {
    title: 'Dynamische Client-Registrierung (MSC2966)',
    description: 'Matrix-Clients registrieren sich vor ihrer ersten Anmeldung selbst am registration_endpoint (dynamische Client-Registrierung, MSC2966).',
    fix: `Gib registration_endpoint an.${GUIDE_DE}`,
  },
  'auth.metadata.https': {
    title: 'Jede URL der Metadaten nutzt https',
    description: 'Der Issuer und jeder Endpunkt müssen https-URLs sein; der Issuer hat weder Query noch Fragment.',
    fix: `Gib dem Autorisierungsserver seine öffentliche https://-URL (MAS: http.public_base).${GUIDE_DE}`,
  },
  'auth.issuer': {
    title: 'Die Discovery des Issuers nennt denselben Issuer',
    description: 'Nur für einen Server, der allein das ältere auth_issuer beantwortet: Clients, die es noch nutzen, lesen die Metadaten dann unter {issuer}/.well-known/openid-configuration, und deren "issuer" muss genau der Issuer sein, den auth_issuer genannt hat (RFC 8414 §3.3); eine Abweichung, oft ein Schrägstrich am Ende oder http statt https, lässt sie den Server ablehnen (eine Warnung: aktuelle Clients weichen dort auf /login aus). Clients, die auth_metadata lesen, fragen dieses Dokument nie ab (matrix-js-sdk ab 42 liest nur auth_metadata; laut Spezifikation wird der Issuer "nicht verwendet"), daher wird es dann nicht geprüft: In der dokumentierten MAS-Einrichtung liegt der Issuer auf der Domain des Servernamens, wo es niemand ausliefert.',
    fix: `Sorge dafür, dass {issuer}/.well-known/openid-configuration genau diesen Issuer nennt (MAS: http.issuer).${GUIDE_DE}#common-mistakes`,
  },
  'auth.jwks': {
    title: 'Signaturschlüssel des Issuers (jwks_uri)',
    description: 'Unter jwks_uri liegen die Schlüssel, mit denen der Autorisierungsserver ID-Tokens signiert; die Antwort muss eine nicht leere Liste "keys" enthalten.',
    fix: `Liefere die Schlüssel unter jwks_uri aus (MAS: /oauth2/keys.json).${GUIDE_DE}`,
  },
  'auth.metadata.cors': {
    title: 'Anmelde-Metadaten haben CORS-Header',
    description: 'Element Web und andere Browser-Clients lesen auth_metadata aus der Seite heraus: Die Antwort braucht Access-Control-Allow-Origin, beim GET und beim OPTIONS-Preflight.',
    fix: `Sende "Access-Control-Allow-Origin: *" auf /_matrix/client/v1/auth_metadata, auch auf OPTIONS, und zwar genau einmal.${GUIDE_DE}#cors`,
  },
  'auth.issuer.cors': {
    title: 'Discovery des Issuers hat CORS-Header',
    description: 'Nur für einen Server, der allein auth_issuer beantwortet: Browser-Clients lesen dann das eigene Discovery-Dokument des Issuers als Metadaten, daher braucht es ebenfalls Access-Control-Allow-Origin.',
    fix: `Sende "Access-Control-Allow-Origin: *" auf /.well-known/openid-configuration des Autorisierungsservers, auch auf OPTIONS, und zwar genau einmal.${GUIDE_DE}#cors`,
  },
  'auth.jwks.cors': {
    title: 'Signaturschlüssel haben CORS-Header',
    description: 'Browser-Clients holen die Signaturschlüssel aus der Seite heraus; jwks_uri braucht Access-Control-Allow-Origin.',
    fix: `Sende "Access-Control-Allow-Origin: *" auf jwks_uri, auch auf OPTIONS, und zwar genau einmal.${GUIDE_DE}#cors`,
  },
  'auth.account-management': {
    title: 'URL zur Kontoverwaltung (MSC4191)',
    description: 'Optional (MSC4191): eine URL, unter der Nutzer ihr Konto verwalten, mit den Aktionen, die sie unterstützt; Clients zeigen sie als "Konto verwalten" an.',
    fix: `Gib account_management_uri an.${GUIDE_DE}`,
  },
  'auth.prompt-create': {
    title: 'Konto aus dem Client anlegen (prompt=create)',
    description: 'Optional: "create" in prompt_values_supported lässt Clients anbieten, ein Konto beim Autorisierungsserver anzulegen.',
    fix: `Führe "create" in prompt_values_supported auf, wenn die Registrierung offen ist (MAS: account.password_registration_enabled).${GUIDE_DE}`,
  },
  'auth.device-code': {
    title: 'Anmeldung per QR-Code (MSC4108)',
    description: 'Optional (MSC4108): Der Device Authorization Grant mit seinem Endpunkt lässt Nutzer ein neues Gerät anmelden, indem sie einen QR-Code scannen.',
    fix: `Kündige device_authorization_endpoint und den Grant ${DEVICE_CODE} an.${GUIDE_DE}`,
  },
  'auth.login-flows': {
    title: 'Anmeldung für ältere Clients (/login, MSC3824)',
    description: 'Clients, die älter als OAuth sind, lesen GET /_matrix/client/v3/login. Mit MAS steht dort m.login.sso, markiert mit oauth_aware_preferred (MSC3824), damit Clients, die OAuth beherrschen, stattdessen OAuth nutzen.',
    fix: `Leite /_matrix/client/*/login, logout und refresh an MAS weiter.${GUIDE_DE}`,
  },
};
