// Plain-text renderings of a Report for the terminal and for monitoring systems.
// Markdown comes from the checker core; JSON is the report itself.
import { summarizeAreaGroups } from '../checker/area-groups.ts';
import { areaGroupLine } from '../checker/markdown.ts';
import type { CheckStatus, Finding, Report, Verdict } from '../checker/report.ts';

const STATUS_MARK: Record<CheckStatus, string> = { pass: '✓', warn: '!', fail: '✗', info: 'i', skip: '-' };
const VERDICT_WORD: Record<Verdict, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };
const VERDICT_MEANING: Record<Verdict, string> = {
  pass: 'federation works',
  warn: 'federation works, but something is wrong or risky',
  fail: 'federation cannot work',
};
const ANSI: Record<CheckStatus, string> = { pass: '32', warn: '33', fail: '31', info: '36', skip: '90' };

export interface TextOptions {
  color: boolean;
  /** Base URL for the docs links in findings, e.g. https://fedcheck.example.org */
  docsBase: string;
}

/** Removes control characters so server-provided text cannot drive the terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\uFFFD');
}

function docsUrl(finding: Finding, docsBase: string): string {
  return new URL(finding.docs, docsBase).href;
}

/** The first address:port that served the resolution, for one-line summaries. */
function via(report: Report): string {
  const target = report.resolution?.targets[0];
  return target ? `${target.host}:${target.port}` : 'no target';
}

const problems = (report: Report) => report.checks.filter((c) => c.status === 'fail' || c.status === 'warn');

export function formatText(report: Report, options: TextOptions): string {
  const paint = (status: CheckStatus, text: string) => (options.color ? `\u001b[${ANSI[status]}m${text}\u001b[0m` : text);
  const verdictStatus: CheckStatus = report.verdict;
  const lines = [
    `${paint(verdictStatus, VERDICT_WORD[report.verdict])}  ${printable(report.serverName)}: ${VERDICT_MEANING[report.verdict]} (${(report.durationMs / 1000).toFixed(2)} s)`,
    ...summarizeAreaGroups(report.areas).map((group) => `  ${paint(group.status, STATUS_MARK[group.status])} ${areaGroupLine(group)}`),
    '',
  ];
  const resolution = report.resolution;
  if (resolution) {
    lines.push(`Resolution: ${resolution.step}${resolution.delegatedServerName ? ` via ${printable(resolution.delegatedServerName)}` : ''}`);
    lines.push(`  Host: ${printable(resolution.hostHeader)}   SNI: ${resolution.sni ? printable(resolution.sni) : '(none)'}   certificate for: ${printable(resolution.tlsName)}`);
    for (const target of resolution.targets) {
      const srv = target.srv ? ` (SRV ${printable(target.srv.name)} priority ${target.srv.priority} weight ${target.srv.weight})` : '';
      const addresses = target.addresses.length ? target.addresses.join(', ') : 'no addresses';
      lines.push(`  → ${printable(target.host)}:${target.port}${srv}: ${addresses}`);
    }
    lines.push('');
  }
  if (report.steps.length) {
    lines.push('Steps:');
    for (const step of report.steps) {
      lines.push(`  ${paint(step.status, STATUS_MARK[step.status])} ${printable(step.label)}  ${Math.round(step.durationMs)} ms`);
      for (const request of step.requests) {
        const outcome = request.error ? `✗ ${printable(request.error)}` : request.status !== undefined ? `→ ${request.status}` : '';
        lines.push(`      ${request.method} ${printable(request.url)} ${outcome}`.trimEnd());
      }
    }
    lines.push('');
  }
  const shown = report.checks.filter((c) => c.status !== 'pass');
  const passed = report.checks.length - shown.length;
  lines.push(`Findings: ${shown.length} to read, ${passed} passed`);
  for (const finding of shown) {
    lines.push(`  ${paint(finding.status, `${STATUS_MARK[finding.status]} ${finding.status.toUpperCase()}`)} ${printable(finding.title)}  [${finding.id}]`);
    if (finding.detail) lines.push(`      ${printable(finding.detail)}`);
    if (finding.fix) lines.push(`      Fix: ${printable(finding.fix)}`);
    lines.push(`      Docs: ${docsUrl(finding, options.docsBase)}`);
  }
  return lines.join('\n') + '\n';
}

/** TAP 14: one test point per check. Warnings are `not ok … # TODO` so they never fail a harness. */
export function formatTap(report: Report): string {
  const lines = ['TAP version 14', `1..${report.checks.length}`];
  report.checks.forEach((finding, index) => {
    const name = `${finding.id} - ${printable(finding.title).replace(/#/g, '\\#')}`;
    const number = index + 1;
    if (finding.status === 'skip') lines.push(`ok ${number} ${name} # SKIP ${printable(finding.detail).replace(/\n/g, ' ')}`);
    else if (finding.status === 'warn') lines.push(`not ok ${number} ${name} # TODO warning`);
    else lines.push(`${finding.status === 'fail' ? 'not ok' : 'ok'} ${number} ${name}`);
    if (finding.status === 'fail' || finding.status === 'warn') {
      lines.push('  ---', `  severity: ${finding.status}`, `  message: ${JSON.stringify(printable(finding.detail))}`);
      if (finding.fix) lines.push(`  fix: ${JSON.stringify(printable(finding.fix))}`);
      lines.push(`  docs: ${JSON.stringify(finding.docs)}`, '  ...');
    }
  });
  return lines.join('\n') + '\n';
}

const NAGIOS_STATE: Record<Verdict, string> = { pass: 'OK', warn: 'WARNING', fail: 'CRITICAL' };

/** Monitoring-plugin output: one status line with perfdata. */
export function formatNagios(report: Report): string {
  const found = problems(report);
  const failures = found.filter((c) => c.status === 'fail').length;
  const addresses = new Set(report.resolution?.targets.flatMap((t) => t.addresses) ?? []).size;
  const headline = report.verdict === 'fail' ? found.find((c) => c.status === 'fail') : found[0];
  const summary =
    report.verdict === 'pass' || !headline
      ? `${report.serverName} via ${via(report)}`
      : `${report.serverName}: ${headline.title}${found.length > 1 ? ` (+${found.length - 1} more)` : ''}`;
  // Perfdata labels and values must not contain the separators "|", "=", "'".
  const perfdata = `time=${(report.durationMs / 1000).toFixed(3)}s;;; addresses=${addresses};;; failures=${failures};;; warnings=${found.length - failures};;;`;
  return `FEDERATION ${NAGIOS_STATE[report.verdict]} - ${printable(summary).replace(/\|/g, '/')} | ${perfdata}\n`;
}

export function formatNagiosUnknown(message: string): string {
  return `FEDERATION UNKNOWN - ${printable(message).replace(/\|/g, '/')}\n`;
}

export const EXIT_CODE: Record<Verdict, number> = { pass: 0, warn: 1, fail: 2 };
export const EXIT_COULD_NOT_CHECK = 3;
