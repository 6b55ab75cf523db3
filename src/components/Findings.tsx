// Findings grouped by area, most severe first, each with its fix, a ready config snippet
// where one applies, and a link to the check reference. Every string is rendered as text.
import { For, Show } from 'solid-js';
import type { Finding, Report } from '../checker/report.ts';
import { AREA_TEXT, STATUS_ORDER, STATUS_TEXT } from './labels.ts';
import { FixSnippets } from './FixSnippets.tsx';

/** Only our own pages and https URLs become links; a report from a proxy is untrusted input. */
export function safeHref(url: string): string | undefined {
  if (/^\/(?!\/)/.test(url)) return url;
  return URL.canParse(url) && new URL(url).protocol === 'https:' ? url : undefined;
}

export function Findings(props: { report: Report; areaOf: (id: string) => string }) {
  const groups = () => {
    const byArea = new Map<string, Finding[]>();
    for (const finding of props.report.checks) {
      const area = props.areaOf(finding.id);
      byArea.set(area, [...(byArea.get(area) ?? []), finding]);
    }
    const known = Object.keys(AREA_TEXT);
    return [...byArea]
      .sort(([a], [b]) => rank(known, a) - rank(known, b))
      .map(([area, findings]) => ({
        area,
        shown: findings
          .filter((finding) => finding.status !== 'skip')
          .sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status)),
        skipped: findings.filter((finding) => finding.status === 'skip'),
      }));
  };
  return (
    <section class="fc-findings" aria-labelledby="fc-findings-title">
      <h2 id="fc-findings-title">Findings</h2>
      <For each={groups()}>
        {(group) => (
          <section class="fc-area" aria-labelledby={`fc-area-${group.area}`}>
            <h3 id={`fc-area-${group.area}`}>{AREA_TEXT[group.area] ?? group.area}</h3>
            <ul>
              <For each={group.shown}>{(finding) => <FindingItem finding={finding} report={props.report} />}</For>
              <Show when={group.skipped.length > 0}>
                <NotTested findings={group.skipped} />
              </Show>
            </ul>
          </section>
        )}
      </For>
    </section>
  );
}

function rank(known: string[], area: string): number {
  const index = known.indexOf(area);
  return index < 0 ? known.length : index;
}

/**
 * A problem is a card with its fix, snippet and a link to the check's docs; a passed check
 * or a note is one line, its title the link, so that the problems stand out.
 */
function FindingItem(props: { finding: Finding; report: Report }) {
  const problem = () => props.finding.status === 'fail' || props.finding.status === 'warn';
  const href = () => safeHref(props.finding.docs);
  return (
    <li class="fc-finding" classList={{ 'fc-brief': !problem() }} data-status={props.finding.status} data-check={props.finding.id}>
      <p class="fc-finding-title">
        <span class="fc-badge">{STATUS_TEXT[props.finding.status]}</span>{' '}
        <Show when={!problem() && href()} fallback={<strong>{props.finding.title}</strong>}>
          {(link) => <a href={link()}>{props.finding.title}</a>}
        </Show>
      </p>
      <p class="fc-detail">{props.finding.detail}</p>
      <Show when={problem()}>
        <Show when={props.finding.fix}>
          <p class="fc-fix">
            <strong>Fix:</strong> {props.finding.fix}
          </p>
        </Show>
        <FixSnippets finding={props.finding} report={props.report} />
        <Show when={href()}>
          {(link) => (
            <a class="fc-docs" href={link()}>
              About “{props.finding.title}”
            </a>
          )}
        </Show>
      </Show>
    </li>
  );
}

/** Checks the page could not run, in one line: the notice above the trace says why. */
function NotTested(props: { findings: Finding[] }) {
  return (
    <li class="fc-finding" data-status="skip">
      <p class="fc-finding-title">
        <span class="fc-badge">{STATUS_TEXT.skip}</span>{' '}
        <For each={props.findings}>
          {(finding, index) => (
            <>
              {index() > 0 ? ', ' : ''}
              <Show when={safeHref(finding.docs)} fallback={finding.title}>
                {(href) => <a href={href()}>{finding.title}</a>}
              </Show>
            </>
          )}
        </For>
      </p>
    </li>
  );
}
