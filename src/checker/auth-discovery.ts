// OAuth 2.0 sign-in (spec v1.15 "OAuth 2.0 API", MSC2965): the endpoints clients of each
// generation ask to find the authorization server (the first in this order that answers
// counts), the documents behind it (its JWKS, and the issuer's own discovery where only
// auth_issuer answers) and the /login flows older clients read. What web clients read also
// gets the preflight a browser sends.
import type { NetworkContext } from './discovery.ts';
import { describeFailure } from './evidence.ts';
import type { HttpResult } from './interfaces.ts';
import { hostForUrl, type ServerName } from './server-name.ts';
import { isJsonObject, parseJsonObject, type JsonObject } from './well-known.ts';
import { get, preflight, type ClientWellKnownRead } from './client-discovery.ts';

export interface AuthFetch {
  url: string;
  response: HttpResult;
  /** The browser's preflight for the same URL, where web clients read it. */
  preflight?: HttpResult;
}

/** Which homeserver endpoint named the authorization server. */
export type AuthVia = 'stable' | 'unstable' | 'auth_issuer';

export interface AuthEvidence {
  baseUrl: string;
  /** The homeserver endpoints asked (stable, unstable, auth_issuer). */
  asked: AuthFetch[];
  via: AuthVia | null;
  /** The one of them that named the authorization server, with its preflight. */
  answered?: AuthFetch;
  /** The metadata document: the homeserver's auth_metadata, or the issuer's discovery for auth_issuer. */
  metadata?: { value: JsonObject } | { problem: string };
  /** auth_issuer's answer, which the metadata must name. */
  issuer?: string;
  /**
   * `{issuer}/.well-known/openid-configuration`, the metadata where only auth_issuer answers.
   * Clients that read auth_metadata never ask it (matrix-js-sdk 42 and later read nothing but
   * auth_metadata; the spec: `issuer` "is not used in the context of the Matrix
   * specification"), so it is not asked then: MAS's documented issuer on the server name's
   * domain serves none.
   */
  issuerDiscovery?: AuthFetch;
  jwks?: AuthFetch;
  login?: AuthFetch;
}

const UNSTABLE = '/_matrix/client/unstable/org.matrix.msc2965';
const ENDPOINTS: [AuthVia, string][] = [
  ['stable', '/_matrix/client/v1/auth_metadata'],
  ['unstable', `${UNSTABLE}/auth_metadata`],
  ['auth_issuer', `${UNSTABLE}/auth_issuer`],
];

/** OpenID Connect Discovery 1.0 §4: the issuer without a trailing slash, then the path. */
function openIdConfigurationUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

export function parseDocument(response: HttpResult): { value: JsonObject } | { problem: string } {
  if (!response.ok) return { problem: describeFailure(response) };
  if (response.status !== 200) return { problem: `HTTP ${response.status}` };
  const parsed = parseJsonObject(response.body);
  return parsed.ok ? { value: parsed.value } : { problem: parsed.reason };
}

/**
 * Null when the client .well-known could not be read at all (no answer, or no CORS headers
 * in a browser): a client cannot know the base URL then, and client.wellknown says why.
 */
export async function gatherAuth(name: ServerName, client: ClientWellKnownRead, ctx: NetworkContext): Promise<AuthEvidence | null> {
  const discovered = client.discovery.outcome === 'VALIDATE' ? client.discovery.homeserverUrl : null;
  if (!discovered && !client.response.ok) return null;
  const baseUrl = (discovered ?? `https://${hostForUrl(name)}`).replace(/\/$/, '');
  const evidence: AuthEvidence = { baseUrl, asked: [], via: null };
  const read = async (id: string, url: string): Promise<AuthFetch> => {
    const [response, preflightResult] = await Promise.all([get(ctx, id, url), preflight(ctx, id, url)]);
    return { url, response, preflight: preflightResult };
  };
  // Asked together: one round trip whichever of them the server has.
  evidence.asked = await Promise.all(ENDPOINTS.map(async ([via, path]) => ({ url: baseUrl + path, response: await get(ctx, `auth-${via}`, baseUrl + path) })));
  const found = evidence.asked.findIndex((fetched) => !fetched.response.ok || fetched.response.status === 200);
  if (found < 0 || !evidence.asked[found].response.ok) return evidence;
  evidence.via = ENDPOINTS[found][0];
  const answered = evidence.asked[found];
  const answer = parseDocument(answered.response);
  const named = 'value' in answer ? answer.value.issuer : undefined;
  const issuer = typeof named === 'string' && URL.canParse(named) ? named : undefined;
  if (evidence.via !== 'auth_issuer') evidence.metadata = answer;
  else if (!issuer) {
    evidence.metadata = { problem: 'value' in answer ? 'auth_issuer gave no "issuer" URL' : answer.problem };
    return evidence;
  }
  const loginUrl = `${baseUrl}/_matrix/client/v3/login`;
  const [answeredPreflight, issuerDiscovery, login] = await Promise.all([
    preflight(ctx, `auth-${evidence.via}`, answered.url),
    evidence.via === 'auth_issuer' && issuer ? read('auth-issuer-discovery', openIdConfigurationUrl(issuer)) : undefined,
    get(ctx, 'auth-login', loginUrl),
  ]);
  evidence.answered = { ...answered, preflight: answeredPreflight };
  evidence.login = { url: loginUrl, response: login };
  if (issuerDiscovery) {
    evidence.issuer = issuer;
    evidence.issuerDiscovery = issuerDiscovery;
    evidence.metadata = parseDocument(issuerDiscovery.response);
  }
  const jwksUri = evidence.metadata && 'value' in evidence.metadata ? evidence.metadata.value.jwks_uri : undefined;
  if (typeof jwksUri === 'string' && URL.canParse(jwksUri)) evidence.jwks = await read('auth-jwks', jwksUri);
  return evidence;
}

/** The JWKS has at least one key (RFC 7517 §5). */
export function jwksKeys(response: HttpResult): number | string {
  const parsed = parseDocument(response);
  if ('problem' in parsed) return parsed.problem;
  const { keys } = parsed.value;
  if (!Array.isArray(keys) || !keys.every(isJsonObject)) return '"keys" is not a list of keys';
  return keys.length === 0 ? '"keys" is empty' : keys.length;
}
