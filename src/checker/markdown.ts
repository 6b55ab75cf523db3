// A report as Markdown, for pasting into a support room. Everything that came from the
// checked server (names, details quoting its answers) is escaped so it renders as text:
// it can neither add Markdown formatting or links nor inject HTML.
import { summarizeAreaGroups, type AreaGroupSummary } from './area-groups.ts';
import type { CheckStatus, Finding, Report } from './report.ts';

const STATUS_MARK: Record<Finding['status'], string> = { pass: '✅', warn: '⚠️', fail: '❌', info: 'ℹ️', skip: '⏭️' };
const VERDICT_TEXT: Record<Report['verdict'], string> = {
  pass: '✅ federation works',
  warn: '⚠️ federation works, with problems',
  fail: '❌ federation is broken',
};

/** Escapes Markdown syntax and HTML; newlines become spaces so text stays in its list item or cell. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, (char) => `\\${char}`);
}

/** How an area group stands, in the words of a summary line. */
const GROUP_STATUS_TEXT: Record<CheckStatus, string> = {
  pass: 'OK',
  warn: 'warning',
  fail: 'failing',
  info: 'notes only',
  skip: 'not tested',
};

/** "Sign-in: failing", for the plain-text and Markdown summaries (here, out of the page's
 * first chunk, which shares area-groups.ts). */
export function areaGroupLine(summary: AreaGroupSummary): string {
  return `${summary.label}: ${GROUP_STATUS_TEXT[summary.status]}${summary.partlyTested ? ' (partly not tested)' : ''}`;
}

export interface MarkdownOptions {
  /** Prefix for the docs links, e.g. "https://fedcheck.example.org"; they are site-relative otherwise. */
  docsBase?: string;
}

export function reportToMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const docs = (finding: Finding) => `${options.docsBase ?? ''}${finding.docs}`;
  const lines = [
    `## Federation check for ${escapeMarkdown(report.serverName)}: ${VERDICT_TEXT[report.verdict]}`,
    '',
    `Checked ${escapeMarkdown(report.checkedAt)} from the ${report.source} in ${Math.round(report.durationMs)} ms (fedcheck).`,
    '',
  ];
  const groups = summarizeAreaGroups(report.areas);
  if (groups.length > 0) lines.push(...groups.map((group) => `- ${STATUS_MARK[group.status]} ${areaGroupLine(group)}`), '');
  const resolution = report.resolution;
  if (resolution) {
    const delegated = resolution.delegatedServerName ? `, delegated to ${escapeMarkdown(resolution.delegatedServerName)}` : '';
    lines.push(
      `**Resolution:** step ${escapeMarkdown(resolution.step)}${delegated}; Host ${escapeMarkdown(resolution.hostHeader)}, ` +
        `certificate name ${escapeMarkdown(resolution.tlsName)}, SNI ${escapeMarkdown(resolution.sni ?? 'none')}`,
      '',
      '| Target | Port | Addresses |',
      '| --- | --- | --- |',
      ...resolution.targets.map(
        (target) => `| ${escapeMarkdown(target.host)} | ${target.port} | ${escapeMarkdown(target.addresses.join(', ') || 'none')} |`,
      ),
      '',
    );
  }
  const problems = report.checks.filter((finding) => finding.status === 'fail' || finding.status === 'warn');
  const rest = report.checks.filter((finding) => !problems.includes(finding));
  if (problems.length > 0) {
    lines.push('### Problems', '');
    for (const finding of problems) {
      lines.push(`- ${STATUS_MARK[finding.status]} **${escapeMarkdown(finding.title)}**: ${escapeMarkdown(finding.detail)}`);
      if (finding.fix) lines.push(`  - Fix: ${escapeMarkdown(finding.fix)}`);
      lines.push(`  - [About this check](${docs(finding)})`);
    }
    lines.push('');
  }
  if (rest.length > 0) {
    lines.push('<details><summary>Other checks</summary>', '');
    for (const finding of rest) {
      lines.push(`- ${STATUS_MARK[finding.status]} ${escapeMarkdown(finding.title)}: ${escapeMarkdown(finding.detail)}`);
    }
    lines.push('', '</details>', '');
  }
  return lines.join('\n');
}
