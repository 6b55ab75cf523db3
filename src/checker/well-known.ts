// Parsers for the three .well-known/matrix files, shared by discovery and the checks.
// Each takes whatever the server sent and returns a verdict; none of them throws.
import { describeFailure } from './evidence.ts';
import type { HttpResult } from './interfaces.ts';
import { parseServerName, quote, type ServerName } from './server-name.ts';

/** Synapse and gomatrixserverlib both cap the server well-known at 50 KiB. */
export const WELL_KNOWN_MAX_BYTES = 50 * 1024;

export type JsonObject = { [key: string]: unknown };

export type JsonObjectParse =
  | { ok: true; value: JsonObject }
  | { ok: false; problem: 'empty' | 'not-json' | 'not-object'; reason: string };

export function parseJsonObject(body: string): JsonObjectParse {
  if (body.trim() === '') return { ok: false, problem: 'empty', reason: 'the body is empty' };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return { ok: false, problem: 'not-json', reason: `the body is not JSON (${(error as Error).message})` };
  }
  if (!isJsonObject(value)) {
    return { ok: false, problem: 'not-object', reason: `the body is JSON but ${describeJson(value)}, not an object` };
  }
  return { ok: true, value };
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

export function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

// --- /.well-known/matrix/server ---------------------------------------------------------

export type ServerWellKnownProblem =
  | 'unreachable'
  | 'too-large'
  | 'redirect'
  | 'status'
  | 'empty'
  | 'not-json'
  | 'not-object'
  | 'm-server-missing'
  | 'm-server-not-string'
  | 'm-server-empty'
  | 'm-server-invalid';

export type ServerWellKnown =
  | { valid: true; mServer: string; delegated: ServerName; warnings: string[] }
  | { valid: false; problem: ServerWellKnownProblem; reason: string };

/** Any invalid answer sends discovery on to step 4 (SRV), as the spec says. */
export function interpretServerWellKnown(result: HttpResult): ServerWellKnown {
  if (!result.ok) {
    const { kind, message } = result.error;
    if (kind === 'too-large') return { valid: false, problem: 'too-large', reason: `the body is over ${WELL_KNOWN_MAX_BYTES} bytes` };
    if (kind === 'redirect-loop' || kind === 'redirect-limit') return { valid: false, problem: 'redirect', reason: message };
    return { valid: false, problem: 'unreachable', reason: describeFailure(result) };
  }
  if (result.status !== 200) return { valid: false, problem: 'status', reason: `HTTP ${result.status}, not 200` };
  const parsed = parseJsonObject(result.body);
  if (!parsed.ok) return { valid: false, problem: parsed.problem, reason: parsed.reason };
  if (!('m.server' in parsed.value)) return { valid: false, problem: 'm-server-missing', reason: 'there is no "m.server" key' };
  const mServer = parsed.value['m.server'];
  if (typeof mServer !== 'string') {
    return { valid: false, problem: 'm-server-not-string', reason: `"m.server" is ${describeJson(mServer)}, not a string` };
  }
  if (mServer === '') return { valid: false, problem: 'm-server-empty', reason: '"m.server" is an empty string' };
  const delegated = parseServerName(mServer);
  if (!delegated.ok) return { valid: false, problem: 'm-server-invalid', reason: `"m.server" is not a server name: ${delegated.error}` };
  return { valid: true, mServer, delegated: delegated.name, warnings: delegated.warnings };
}

// --- cache headers (Part C 14) -------------------------------------------------------------

export const CACHE_DEFAULT_SECONDS = 24 * 3600;
export const CACHE_MIN_SECONDS = 5 * 60;
export const CACHE_MAX_SECONDS = 48 * 3600;

export interface CacheLifetime {
  /** What Synapse will use: clamp(header value, 5 min, 48 h), or 24 h without headers. */
  effectiveSeconds: number;
  source: 'no-store' | 'max-age' | 'expires' | 'default';
  /** The lifetime the headers asked for, before clamping. */
  requestedSeconds?: number;
}

export function wellKnownCacheLifetime(headers: Record<string, string>, nowMs: number): CacheLifetime {
  const clamp = (seconds: number) => Math.min(CACHE_MAX_SECONDS, Math.max(CACHE_MIN_SECONDS, seconds));
  const directives = (headers['cache-control'] ?? '').toLowerCase().split(',').map((part) => part.trim());
  if (directives.includes('no-store')) return { effectiveSeconds: clamp(0), source: 'no-store', requestedSeconds: 0 };
  const maxAge = directives.map((part) => /^max-age\s*=\s*"?(\d+)"?$/.exec(part)).find((match) => match !== null);
  if (maxAge) {
    const seconds = Math.min(Number(maxAge[1]), Number.MAX_SAFE_INTEGER);
    return { effectiveSeconds: clamp(seconds), source: 'max-age', requestedSeconds: seconds };
  }
  if (headers.expires !== undefined) {
    const expires = Date.parse(headers.expires);
    const date = headers.date !== undefined ? Date.parse(headers.date) : Number.NaN;
    const base = Number.isNaN(date) ? nowMs : date;
    // An unparseable Expires means "already expired" (RFC 9111 5.3).
    const seconds = Number.isNaN(expires) ? 0 : Math.max(0, Math.round((expires - base) / 1000));
    return { effectiveSeconds: clamp(seconds), source: 'expires', requestedSeconds: seconds };
  }
  return { effectiveSeconds: CACHE_DEFAULT_SECONDS, source: 'default' };
}

// --- /.well-known/matrix/client (client-server API "Server Discovery") ----------------------

export type ClientWellKnown =
  | { outcome: 'IGNORE' | 'FAIL_PROMPT' | 'FAIL_ERROR'; reason: string }
  | { outcome: 'VALIDATE'; homeserverUrl: string; identityServer?: IdentityServerEntry };

export type IdentityServerEntry = { ok: true; url: string } | { ok: false; reason: string };

/**
 * The client discovery flow up to the point where the base URLs must be validated by
 * contacting them (`VALIDATE`); the network part is the caller's.
 */
export function interpretClientWellKnown(result: HttpResult): ClientWellKnown {
  if (!result.ok) return { outcome: 'FAIL_PROMPT', reason: `the request failed: ${describeFailure(result)}` };
  if (result.status === 404) return { outcome: 'IGNORE', reason: 'HTTP 404: no client discovery information' };
  if (result.status !== 200) return { outcome: 'FAIL_PROMPT', reason: `HTTP ${result.status}, not 200` };
  const parsed = parseJsonObject(result.body);
  if (!parsed.ok) return { outcome: 'FAIL_PROMPT', reason: parsed.reason };
  const homeserver = parsed.value['m.homeserver'];
  if (!isJsonObject(homeserver)) return { outcome: 'FAIL_PROMPT', reason: '"m.homeserver" is missing or not an object' };
  if (typeof homeserver.base_url !== 'string') {
    return { outcome: 'FAIL_PROMPT', reason: '"m.homeserver" has no "base_url" string' };
  }
  const homeserverUrl = parseBaseUrl(homeserver.base_url);
  if (homeserverUrl === null) {
    return { outcome: 'FAIL_ERROR', reason: `"m.homeserver.base_url" ${quote(homeserver.base_url)} is not an http(s) URL` };
  }
  if (!('m.identity_server' in parsed.value)) return { outcome: 'VALIDATE', homeserverUrl };
  const identity = parsed.value['m.identity_server'];
  if (!isJsonObject(identity) || typeof identity.base_url !== 'string') {
    return { outcome: 'FAIL_PROMPT', reason: '"m.identity_server" is present but has no "base_url" string' };
  }
  const identityUrl = parseBaseUrl(identity.base_url);
  const identityServer: IdentityServerEntry = identityUrl === null
    ? { ok: false, reason: `"m.identity_server.base_url" ${quote(identity.base_url)} is not an http(s) URL` }
    : { ok: true, url: identityUrl };
  return { outcome: 'VALIDATE', homeserverUrl, identityServer };
}

/** Absolute http(s) URL without the trailing "/" (the spec says either form may appear). */
function parseBaseUrl(text: string): string | null {
  if (!URL.canParse(text)) return null;
  const url = new URL(text);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  return url.href.replace(/\/+$/, '');
}

export type ClientVersions =
  | { ok: true; versions: string[]; unstableFeatures: Record<string, boolean> }
  | { ok: false; reason: string };

/** `GET /_matrix/client/versions`: 200 and `{"versions": [string…]}`, with the optional
 * `unstable_features` map of flag to boolean (entries that are not booleans are dropped). */
export function interpretClientVersions(result: HttpResult): ClientVersions {
  if (!result.ok) return { ok: false, reason: `the request failed: ${describeFailure(result)}` };
  if (result.status !== 200) return { ok: false, reason: `HTTP ${result.status}, not 200` };
  const parsed = parseJsonObject(result.body);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const versions = parsed.value.versions;
  if (!Array.isArray(versions) || !versions.every((version) => typeof version === 'string')) {
    return { ok: false, reason: '"versions" is missing or not a list of strings' };
  }
  const features = parsed.value.unstable_features;
  const unstableFeatures = isJsonObject(features)
    ? Object.fromEntries(Object.entries(features).filter((entry): entry is [string, boolean] => typeof entry[1] === 'boolean'))
    : {};
  return { ok: true, versions, unstableFeatures };
}

// --- /.well-known/matrix/support (MSC1929; DPO role MSC4265, policies MSC4266, PGP keys MSC4439) ---

export interface SupportContact {
  /** Where it is in the file, for messages: `contacts[0]`. */
  where: string;
  role?: string;
  matrixId?: string;
  email?: string;
  /** MSC4439 `pgp_key` (or its unstable name), as given. */
  pgpKey?: { field: string; value: unknown };
}

/** MSC4266 `policies` (or its unstable name), as given. */
export interface SupportPolicies {
  field: string;
  value: unknown;
}

export type SupportWellKnown =
  | { status: 'absent'; reason: string }
  | { status: 'invalid'; problems: string[]; warnings: string[]; contacts: SupportContact[]; policies?: SupportPolicies }
  | { status: 'valid'; supportPage?: string; warnings: string[]; contacts: SupportContact[]; policies?: SupportPolicies };

const SPEC_ROLES = ['m.role.admin', 'm.role.security'];
const PRE_SPEC_ROLES = ['admin', 'security'];
export const DPO_ROLE = 'm.role.dpo';
export const DPO_ROLE_UNSTABLE = 'org.matrix.msc4265.role.dpo';
export const POLICIES_FIELDS = ['policies', 'org.matrix.msc4266.policies'];
export const PGP_KEY_FIELDS = ['pgp_key', 'dev.zirco.msc4439.pgp_key'];

/** The first of `fields` (stable name first) that the object has. */
function firstField(object: JsonObject, fields: string[]): { field: string; value: unknown } | undefined {
  const field = fields.find((name) => name in object);
  return field === undefined ? undefined : { field, value: object[field] };
}

export function interpretSupportWellKnown(result: HttpResult): SupportWellKnown {
  if (!result.ok) return { status: 'absent', reason: `the request failed: ${describeFailure(result)}` };
  if (result.status === 404) return { status: 'absent', reason: 'HTTP 404: no support information published' };
  if (result.status !== 200) return { status: 'invalid', problems: [`HTTP ${result.status}, not 200`], warnings: [], contacts: [] };
  const parsed = parseJsonObject(result.body);
  if (!parsed.ok) return { status: 'invalid', problems: [parsed.reason], warnings: [], contacts: [] };
  const problems: string[] = [];
  const warnings: string[] = [];
  if ('admins' in parsed.value) {
    warnings.push('"admins" is the pre-spec draft name; the spec calls the list "contacts"');
  }
  const { contacts, support_page: supportPage } = parsed.value;
  if (contacts !== undefined && !Array.isArray(contacts)) problems.push('"contacts" is not a list');
  if (supportPage !== undefined && (typeof supportPage !== 'string' || !URL.canParse(supportPage))) {
    problems.push('"support_page" is not a URL');
  }
  const contactList = Array.isArray(contacts) ? contacts : [];
  if (supportPage === undefined && contactList.length === 0) {
    problems.push('neither "support_page" nor at least one entry in "contacts" is given');
  }
  const parsedContacts: SupportContact[] = [];
  contactList.forEach((contact, index) => {
    const where = `contacts[${index}]`;
    if (!isJsonObject(contact)) {
      problems.push(`${where} is not an object`);
      return;
    }
    const { matrix_id: matrixId, email_address: email, role } = contact;
    if (matrixId === undefined && email === undefined) problems.push(`${where} has neither "matrix_id" nor "email_address"`);
    const validMatrixId = typeof matrixId === 'string' && matrixId.startsWith('@') && matrixId.includes(':');
    const validEmail = typeof email === 'string' && /^[^@\s]+@[^@\s]+$/.test(email);
    if (matrixId !== undefined && !validMatrixId) problems.push(`${where}.matrix_id is not a user ID like "@admin:example.org"`);
    if (email !== undefined && !validEmail) problems.push(`${where}.email_address is not an email address`);
    if (typeof role !== 'string') problems.push(`${where}.role is missing`);
    else if (PRE_SPEC_ROLES.includes(role)) warnings.push(`${where}.role ${quote(role)} is the pre-spec form; use "m.role.${role}"`);
    else if (!SPEC_ROLES.includes(role) && role !== DPO_ROLE && !role.includes('.')) {
      warnings.push(`${where}.role ${quote(role)} is neither a spec role nor a namespaced one (e.g. "org.example.role")`);
    }
    const pgpKey = firstField(contact, PGP_KEY_FIELDS);
    parsedContacts.push({
      where,
      ...(typeof role === 'string' ? { role } : {}),
      ...(validMatrixId ? { matrixId } : {}),
      ...(validEmail ? { email } : {}),
      ...(pgpKey ? { pgpKey } : {}),
    });
  });
  const policies = firstField(parsed.value, POLICIES_FIELDS);
  const parts = { warnings, contacts: parsedContacts, ...(policies ? { policies } : {}) };
  if (problems.length > 0) return { status: 'invalid', problems, ...parts };
  return { status: 'valid', ...(typeof supportPage === 'string' ? { supportPage } : {}), ...parts };
}
