// The fedcheck.report/1 shape that the island, the proxy API and the CLI all emit.
import type { CheckArea } from './evidence.ts';
import type { CertificateSummary } from './interfaces.ts';

export const REPORT_SCHEMA = 'fedcheck.report/1';

export type Verdict = 'pass' | 'warn' | 'fail';
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'info' | 'skip';

export type ResolutionStep =
  | 'ip-literal'
  | 'explicit-port'
  | 'well-known-ip'
  | 'well-known-port'
  | 'well-known-srv'
  | 'well-known-srv-legacy'
  | 'well-known-default'
  | 'srv'
  | 'srv-legacy'
  | 'default';

export interface ResolutionTarget {
  host: string;
  port: number;
  addresses: string[];
  srv?: { name: string; priority: number; weight: number };
}

export interface Resolution {
  step: ResolutionStep;
  delegatedServerName?: string;
  hostHeader: string;
  tlsName: string;
  sni?: string;
  targets: ResolutionTarget[];
}

export interface StepRequest {
  method: string;
  url: string;
  status?: number;
  error?: string;
}

export interface TraceStep {
  id: string;
  label: string;
  status: CheckStatus;
  startedMs: number;
  durationMs: number;
  requests: StepRequest[];
}

export interface Finding {
  id: string;
  status: CheckStatus;
  title: string;
  detail: string;
  docs: string;
  fix?: string;
  data?: unknown;
}

export interface ConnectionReport {
  address: string;
  port: number;
  tcp: { ok: boolean; elapsedMs: number; error?: string };
  tls: { ok: boolean; version?: string; cipher?: string; error?: string } | null;
  certificate: (CertificateSummary & { trusted: boolean; nameMatches: boolean }) | null;
  version: { name?: string; version?: string; error?: string } | null;
  keys: { serverName?: string; validUntilTs?: number; verifyKeys: string[]; error?: string } | null;
  /** Ids of the findings about this connection. */
  checks: string[];
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  serverName: string;
  checkedAt: string;
  source: 'browser' | 'proxy' | 'cli';
  durationMs: number;
  verdict: Verdict;
  /** Present when asked for: client, sign-in, calls and support failures fail the verdict too. */
  strictClient?: true;
  /** Each area's worst finding (`info` when it has only notes, `skip` when it was not
   * tested); areas with no findings are left out. */
  areas: Partial<Record<CheckArea, CheckStatus>>;
  resolution: Resolution | null;
  steps: TraceStep[];
  checks: Finding[];
  connections: ConnectionReport[];
}
