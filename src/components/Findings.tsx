// Findings grouped by area, most severe first, one line each: the title linking to the check
// reference, then the detail. The problems' fixes and snippets stand at the top (Problems.tsx).
// Every string is rendered as text.
import { For, Show } from 'solid-js';
import type { Finding, Report } from '../checker/report.ts';
import { findingText, localDocs, STATUS_ORDER, useTexts } from './labels.ts';

/** Only our own pages and https URLs become links; a report from a proxy is untrusted input. */
export function safeHref(url: string): string | undefined {
  if (/^\/(?!\/)/.test(url)) return url;
  return URL.canParse(url) && new URL(url).protocol === 'https:' ? url : undefined;
}

export function Findings(props: { report: Report; areaOf: (id: string) => string }) {
  const texts = useTexts();
  const groups = () => {
    const byArea = new Map<string, Finding[]>();
    for (const finding of props.report.checks) {
      const area = props.areaOf(finding.id);
      byArea.set(area, [...(byArea.get(area) ?? []), finding]);
    }
    const known = Object.keys(texts.area);
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
      <h2 id="fc-findings-title">{texts.ui.findings}</h2>
      <For each={groups()}>
        {(group) => (
          <section class="fc-area" aria-labelledby={`fc-area-${group.area}`}>
            <h3 id={`fc-area-${group.area}`}>{texts.area[group.area] ?? group.area}</h3>
            <ul>
              <For each={group.shown}>{(finding) => <FindingItem finding={finding} />}</For>
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

function FindingItem(props: { finding: Finding }) {
  const texts = useTexts();
  return (
    <li class="fc-finding fc-brief" data-status={props.finding.status} data-check={props.finding.id}>
      <p class="fc-finding-title">
        <span class="fc-badge">{texts.status[props.finding.status]}</span>{' '}
        <DocsTitle finding={props.finding} />
      </p>
      <p class="fc-detail">{props.finding.detail}</p>
    </li>
  );
}

/** Checks the page could not run, in one line: the notice above the trace says why. */
function NotTested(props: { findings: Finding[] }) {
  const texts = useTexts();
  return (
    <li class="fc-finding" data-status="skip">
      <p class="fc-finding-title">
        <span class="fc-badge">{texts.status.skip}</span>{' '}
        <For each={props.findings}>
          {(finding, index) => (
            <>
              {index() > 0 ? ', ' : ''}
              <DocsTitle finding={finding} />
            </>
          )}
        </For>
      </p>
    </li>
  );
}

/** A finding's title in the page's language, a link to its docs (in that language) where the
 * URL is one of ours or https. */
function DocsTitle(props: { finding: Finding }) {
  const texts = useTexts();
  const title = () => findingText(texts, props.finding).title;
  return (
    <Show when={safeHref(localDocs(texts, props.finding.docs))} fallback={title()}>
      {(link) => <a href={link()}>{title()}</a>}
    </Show>
  );
}
