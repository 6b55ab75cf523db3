// What the checks read: everything discovery and the probes saw, gathered once. Checks
// are pure functions of this evidence, so each can be tested without a network.
import type { AuthEvidence } from './auth-discovery.ts';
import type { Discovery } from './discovery.ts';
import type { HttpResult, ProbeRequest, ProbeResult } from './interfaces.ts';
import type { ServerKeys } from './keys.ts';
import type { OutgoingEvidence } from './outgoing.ts';
import type { CheckStatus, ResolutionTarget } from './report.ts';
import type { ServerNameParse } from './server-name.ts';
import type { ClientVersions, ClientWellKnown, SupportWellKnown } from './well-known.ts';

export interface ProbeEvidence {
  target: ResolutionTarget;
  request: ProbeRequest;
  result: ProbeResult;
  /** The keys response analysed (signatures verified); null when none was received. */
  keys: ServerKeys | null;
}

/** Browser only: a fetch of the federation version endpoint on each target. */
export interface BrowserReach {
  target: ResolutionTarget;
  url: string;
  response: HttpResult;
}

export interface ClientEvidence {
  url: string;
  response: HttpResult;
  discovery: ClientWellKnown;
  /** OPTIONS preflight of the same URL, as a web client's browser would send. */
  preflight: HttpResult;
  versions?: { url: string; response: HttpResult; interpretation: ClientVersions };
  identityServer?: { url: string; response: HttpResult };
}

export interface SupportEvidence {
  url: string;
  response: HttpResult;
  interpretation: SupportWellKnown;
}

/** One MatrixRTC authorization service (lk-jwt-service) named by a LiveKit focus. */
export interface RtcAuthorizationService {
  /** `livekit_service_url` as given. */
  url: string;
  /** GET <url>/healthz: 200 without CORS headers on lk-jwt-service. */
  health: HttpResult;
  /** The token endpoints, current first: a GET (405 with CORS) and a CORS preflight for a POST. */
  endpoints: { path: string; get: HttpResult; preflight: HttpResult }[];
}

/** MatrixRTC (MSC4143): what calls need, found from the client base URL. */
export interface RtcEvidence {
  /** GET of the transports endpoint without a token, stable and unstable path. */
  transports: { path: string; url: string; response: HttpResult }[];
  /** `org.matrix.msc4143.rtc_foci` in the client .well-known. */
  foci: RtcFoci;
  services: RtcAuthorizationService[];
}

export type RtcFoci =
  | { present: false }
  | { present: true; problems: string[]; livekitUrls: string[]; otherTypes: string[] };

/**
 * A known `unstable_features` flag of /_matrix/client/versions: flag, MSC number (null for
 * vendor flags without one), title. The table is data (public/unstable-features.json): the
 * Node front ends import it, the page fetches it, so it adds no script to the page.
 */
export type KnownFeature = readonly [flag: string, msc: number | null, title: string];

/** The entries of a feature table that have the right shape; anything else is dropped. */
export function knownFeatureTable(table: unknown): KnownFeature[] {
  if (!Array.isArray(table)) return [];
  return table.filter(
    (entry): entry is KnownFeature =>
      Array.isArray(entry) && typeof entry[0] === 'string' && (entry[1] === null || typeof entry[1] === 'number') && typeof entry[2] === 'string',
  );
}

export interface Evidence {
  input: string;
  parse: ServerNameParse;
  nowMs: number;
  /** Set for test rigs and LANs, where private addresses are expected. */
  allowPrivateAddresses: boolean;
  discovery: Discovery | null;
  /** One per target address; null when there is no prober (the browser without a proxy). */
  probes: ProbeEvidence[] | null;
  browserReach: BrowserReach[];
  client: ClientEvidence | null;
  /** Null when client discovery gave no working homeserver URL. */
  rtc: RtcEvidence | null;
  support: SupportEvidence | null;
  /** OAuth 2.0 sign-in; null when not asked (no client side answered, or bad input). */
  auth: AuthEvidence | null;
  /** null when the front end cannot test outgoing federation (the page). */
  outgoing: OutgoingEvidence | null;
  /** Names for unstable feature flags; empty when the front end has no table. */
  knownFeatures: readonly KnownFeature[];
}

/** In report order: the order in which a peer meets them. */
export const CHECK_AREAS = [
  'name',
  'well-known',
  'dns',
  'connection',
  'tls',
  'federation',
  'keys',
  'outgoing',
  'client',
  'auth',
  'rtc',
  'support',
] as const;
export type CheckArea = (typeof CHECK_AREAS)[number];

export interface CheckMeta {
  /** Stable: reports, the docs anchors and monitoring refer to it. */
  id: string;
  title: string;
  area: CheckArea;
  /** The check reference page has an anchor with exactly the id. */
  docs: string;
  /** What to change when the check does not pass. */
  fix: string;
}

/**
 * A check as a report lists it without running it (the page's connection, key and outgoing
 * checks, reported as not tested): everything but the fix, which comes with the check's logic
 * (fullMeta), so that the page does not carry the fixes of checks it cannot run.
 */
export type CheckHead = Omit<CheckMeta, 'fix'>;

/** What each check looks at and why, by id: the check reference page's text. */
export type Descriptions = Record<string, string>;

/** A check's texts in another language, by id. Each check file exports its German ones as
 * `de`, beside the English; only German pages and the German check reference import them. */
export type CheckTranslations = Record<string, { title: string; description: string; fix: string }>;

export interface Outcome {
  status: CheckStatus;
  detail: string;
  /** A fix specific to this finding; the meta's fix otherwise. */
  fix?: string;
  data?: Record<string, unknown>;
}

/** A check over the whole evidence; returns no outcome when it does not apply. */
export interface ReportCheck {
  meta: CheckMeta;
  run(evidence: Evidence): Outcome[];
}

/** A check of one connection (address and port); run once per probe. */
export interface ConnectionCheck {
  meta: CheckMeta;
  perConnection(probe: ProbeEvidence, evidence: Evidence): Outcome | null;
}

export type Check = ReportCheck | ConnectionCheck;

export function docsUrl(id: string): string {
  return `/docs/checks/#${id}`;
}

/** A check's metadata (with its fix) or head (without), with its docs anchor. */
export function meta<Fields extends Omit<CheckHead, 'docs'>>(fields: Fields): Fields & { docs: string } {
  return { ...fields, docs: docsUrl(fields.id) };
}

/** The metadata of a check whose head the page lists: the head and the fix its logic comes
 * with. Pure, so that a bundle without the check's logic drops the fix too. */
/* @__NO_SIDE_EFFECTS__ */ export function fullMeta(head: CheckHead, fix: string): CheckMeta {
  return { ...head, fix };
}

/** How findings name a connection: `1.2.3.4:8448`, `[2001:db8::1]:8448`. */
export function connectionKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export function headerValue(result: HttpResult | undefined, name: string): string | undefined {
  return result?.ok ? result.headers[name] : undefined;
}

export function isJsonContentType(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}

export function describeFailure(result: HttpResult): string {
  return result.ok ? `HTTP ${result.status}` : `${result.error.kind} error: ${result.error.message}`;
}

/** A browser's fetch that CORS kept from the page. */
export const blockedByCors = (result: HttpResult) => !result.ok && result.error.kind === 'cors';

/** A response that lets web pages read it. */
export const hasCorsHeaders = (result: HttpResult) => result.ok && result.headers['access-control-allow-origin'] !== undefined;

type EvidencePart = 'discovery' | 'client' | 'rtc';

/** A check over one part of the evidence: no findings while that part is missing. */
export function onPart<K extends EvidencePart>(part: K, run: (value: NonNullable<Evidence[K]>, evidence: Evidence) => Outcome[]) {
  return (evidence: Evidence): Outcome[] => {
    const value = evidence[part];
    return value ? run(value as NonNullable<Evidence[K]>, evidence) : [];
  };
}
