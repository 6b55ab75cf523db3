// Findings grouped by area, most severe first, each with its fix, a ready config snippet
// where one applies, and a link to the check reference. Every string is rendered as text.
import { For, Show } from 'solid-js';
import type { Finding, Report } from '../checker/report.ts';
import { fillParts, findingText, localDocs, STATUS_ORDER, useTexts } from './labels.ts';
import { FixSnippets } from './FixSnippets.tsx';

/** Only our own pages and https URLs become links; a report from a proxy is untrusted input. */
export function safeHref(url: string): string | undefined {
  if (/^\/(?!\/)/.test(url)) return url;
  return URL.canParse(url) && new URL(url).protocol === 'https:' ? url : undefined;
}

export function Findings(props: { report: Report; areaOf: (id: string) => string; defaultFix: (id: string) => string | undefined }) {
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
              <For each={group.shown}>{(finding) => <FindingItem finding={finding} report={props.report} defaultFix={props.defaultFix} />}</For>
              <Show when={group.skipped.length > 0}>
                <NotTested findings={group.skipped} defaultFix={props.defaultFix} />
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
function FindingItem(props: { finding: Finding; report: Report; defaultFix: (id: string) => string | undefined }) {
  const texts = useTexts();
  const problem = () => props.finding.status === 'fail' || props.finding.status === 'warn';
  const href = () => safeHref(localDocs(texts, props.finding.docs));
  const text = () => findingText(texts, props.finding, props.defaultFix(props.finding.id));
  return (
    <li class="fc-finding" classList={{ 'fc-brief': !problem() }} data-status={props.finding.status} data-check={props.finding.id}>
      <p class="fc-finding-title">
        <span class="fc-badge">{texts.status[props.finding.status]}</span>{' '}
        <Show when={!problem() && href()} fallback={<strong>{text().title}</strong>}>
          {(link) => <a href={link()}>{text().title}</a>}
        </Show>
      </p>
      <p class="fc-detail">{props.finding.detail}</p>
      <Show when={problem()}>
        <Show when={text().fix}>
          <p class="fc-fix">
            <strong>{texts.ui.fix}</strong> {text().fix}
          </p>
        </Show>
        <FixSnippets finding={props.finding} report={props.report} />
        <Show when={href()}>
          {(link) => (
            <a class="fc-docs" href={link()}>
              {fillParts(texts.ui.about, { title: text().title })}
            </a>
          )}
        </Show>
      </Show>
    </li>
  );
}

/** Checks the page could not run, in one line: the notice above the trace says why. */
function NotTested(props: { findings: Finding[]; defaultFix: (id: string) => string | undefined }) {
  const texts = useTexts();
  return (
    <li class="fc-finding" data-status="skip">
      <p class="fc-finding-title">
        <span class="fc-badge">{texts.status.skip}</span>{' '}
        <For each={props.findings}>
          {(finding, index) => {
            const { title } = findingText(texts, finding, props.defaultFix(finding.id));
            return (
              <>
                {index() > 0 ? ', ' : ''}
                <Show when={safeHref(localDocs(texts, finding.docs))} fallback={title}>
                  {(href) => <a href={href()}>{title}</a>}
                </Show>
              </>
            );
          }}
        </For>
      </p>
    </li>
  );
}
