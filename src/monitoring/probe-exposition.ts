// A report in the Prometheus text exposition format, blackbox_exporter-style: what
// `GET /probe?target=NAME` answers and `fedcheck NAME --prometheus` prints.
//
// Conventions (prometheus.io "Metric and label naming", "Writing exporters"): names are
// `fedcheck_…` with the unit in the name; a status is an enum, one series per possible
// state with 1 for the current one and 0 for the others; facts that are text (issuer,
// server software) are `_info` series with value 1 and the text in labels. Text from the
// server is bounded in length and the number of series it can add is bounded, so a
// hostile server cannot flood a time-series database with new label values.
import { Gauge, Registry } from 'prom-client';
import { STATUS_SEVERITY, worstStatus } from '../checker/area-groups.ts';
import { findingConnection } from '../checker/check.ts';
import { checkHead } from '../checker/registry.ts';
import type { CheckStatus, Report, Verdict } from '../checker/report.ts';
import { connectionKey } from '../checker/evidence.ts';
import { printable } from '../cli/formats.ts';

/** prom-client's text format 0.0.4, as Prometheus expects it. */
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Longest label value taken from a report; longer ones are cut and end in "…". */
export const MAX_LABEL_LENGTH = 128;
/** Connections and trace steps described at most (a name can publish many addresses). */
export const MAX_CONNECTIONS = 16;
export const MAX_STEPS = 48;

const VERDICTS: readonly Verdict[] = ['pass', 'warn', 'fail'];

/** Printable, well-formed and bounded: a server's text as a label value (prom-client escapes
 * the quotes, backslashes and line breaks). */
export function labelValue(text: string): string {
  const clean = printable(text.toWellFormed());
  const chars = [...clean];
  return chars.length <= MAX_LABEL_LENGTH ? clean : `${chars.slice(0, MAX_LABEL_LENGTH - 1).join('')}…`;
}

/** A check's area from the registry; a check unknown here (a newer report) by its id's first part. */
function areaOf(id: string): string {
  return checkHead(id)?.area ?? id.split('.')[0];
}

const worst = (statuses: CheckStatus[]): CheckStatus => worstStatus(statuses) ?? 'skip';

/** Step ids are `kind` or `kind:subject` / `kind@subject` (trace.ts callers). */
function stepLabels(id: string): { step: string; subject: string } {
  const match = /^([a-z-]+)[:@](.*)$/s.exec(id);
  return match ? { step: match[1], subject: labelValue(match[2]) } : { step: labelValue(id), subject: '' };
}

/** `labels` go on every series: the CLI names the target there, since the textfile collector
 * merges many files into one scrape where Prometheus's probe relabelling is not there to. */
export async function renderProbeExposition(report: Report, labels: Record<string, string> = {}): Promise<string> {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const enumeration = <L extends string>(metric: Gauge<L | 'status'>, labels: Record<L, string>, current: string, states: readonly string[]) => {
    for (const state of states) metric.set({ ...labels, status: state } as Record<L | 'status', string>, state === current ? 1 : 0);
  };

  gauge('probe_success', 'Whether federation with the target works (1 unless the verdict is fail), as FederationOK.').set(
    report.verdict === 'fail' ? 0 : 1,
  );
  gauge('probe_duration_seconds', 'How long the whole check of the target took.').set(report.durationMs / 1000);

  const verdict = gauge('fedcheck_verdict', 'The report verdict: 1 for the current one, 0 for the others.', ['verdict']);
  for (const state of VERDICTS) verdict.set({ verdict: state }, state === report.verdict ? 1 : 0);

  const area = gauge('fedcheck_area_status', "Each tested area's worst finding: 1 for the current status, 0 for the others.", ['area', 'status']);
  for (const [name, status] of Object.entries(report.areas)) enumeration(area, { area: name }, status, STATUS_SEVERITY);

  const check = gauge('fedcheck_check_status', "Each check's worst finding over all connections: 1 for the current status, 0 for the others.", [
    'id',
    'area',
    'status',
  ]);
  const byId = Map.groupBy(report.checks, (finding) => finding.id);
  for (const [id, findings] of byId) {
    enumeration(check, { id, area: areaOf(id) }, worst(findings.map((f) => f.status)), STATUS_SEVERITY);
  }

  const resolution = report.resolution;
  if (resolution) {
    gauge('fedcheck_resolution_info', 'How the server name was resolved (spec step) and the names used to connect.', [
      'step',
      'delegated_server_name',
      'host_header',
      'tls_name',
    ]).set(
      {
        step: resolution.step,
        delegated_server_name: labelValue(resolution.delegatedServerName ?? ''),
        host_header: labelValue(resolution.hostHeader),
        tls_name: labelValue(resolution.tlsName),
      },
      1,
    );
    const addresses = new Set(resolution.targets.flatMap((target) => target.addresses));
    const families = gauge('fedcheck_resolution_addresses', 'Distinct addresses the resolution found, by family.', ['family']);
    families.set({ family: 'ipv4' }, [...addresses].filter((a) => !a.includes(':')).length);
    families.set({ family: 'ipv6' }, [...addresses].filter((a) => a.includes(':')).length);
  }

  const stepDuration = gauge('fedcheck_step_duration_seconds', 'How long each step of the check took (well-known, SRV, A/AAAA, probes).', [
    'step',
    'subject',
  ]);
  for (const step of report.steps.slice(0, MAX_STEPS)) stepDuration.set(stepLabels(step.id), step.durationMs / 1000);

  const perConnection = ['address', 'port'] as const;
  const success = gauge('fedcheck_connection_success', 'Whether every check of this connection passed or warned (none failed).', perConnection);
  const tcpSeconds = gauge('fedcheck_connection_tcp_connect_seconds', 'Time to open the TCP connection.', perConnection);
  const expiry = gauge('fedcheck_tls_certificate_expiry_timestamp_seconds', "When the connection's leaf certificate expires (notAfter).", perConnection);
  const certificate = gauge('fedcheck_tls_certificate_info', "The connection's leaf certificate.", [
    ...perConnection,
    'fingerprint_sha256',
    'subject',
    'issuer',
    'trusted',
    'name_matches',
  ]);
  const server = gauge('fedcheck_server_info', 'Server software and version from /_matrix/federation/v1/version.', [...perConnection, 'name', 'version']);
  for (const connection of report.connections.slice(0, MAX_CONNECTIONS)) {
    const labels = { address: connection.address, port: String(connection.port) };
    const key = connectionKey(connection.address, connection.port);
    const failed = report.checks.some((finding) => findingConnection(finding) === key && finding.status === 'fail');
    success.set(labels, connection.tcp.ok && !failed ? 1 : 0);
    tcpSeconds.set(labels, connection.tcp.elapsedMs / 1000);
    const leaf = connection.certificate;
    if (leaf) {
      const notAfter = Date.parse(leaf.notAfter);
      if (Number.isFinite(notAfter)) expiry.set(labels, notAfter / 1000);
      certificate.set(
        {
          ...labels,
          fingerprint_sha256: labelValue(leaf.sha256Fingerprint.replaceAll(':', '').toLowerCase()),
          subject: labelValue(leaf.subject),
          issuer: labelValue(leaf.issuer),
          trusted: String(leaf.trusted),
          name_matches: String(leaf.nameMatches),
        },
        1,
      );
    }
    if (connection.version?.name !== undefined || connection.version?.version !== undefined) {
      server.set({ ...labels, name: labelValue(connection.version.name ?? ''), version: labelValue(connection.version.version ?? '') }, 1);
    }
  }
  return registry.metrics();
}
