// What is wrong, first: the failing findings, then the warnings, each with its title, what
// was seen, the fix in one line, a ready config snippet where one applies and the link to
// its guide. The findings by area below list them again in one line each, among the rest.
// Every string is rendered as text.
import { For, Show } from 'solid-js';
import type { Report } from '../checker/report.ts';
import { safeHref } from './Findings.tsx';
import { FixSnippets } from './FixSnippets.tsx';
import { fill, fillParts, findingText, localDocs, useTexts } from './labels.ts';

export function Problems(props: { report: Report }) {
  const texts = useTexts();
  const problems = () => [
    ...props.report.checks.filter((finding) => finding.status === 'fail'),
    ...props.report.checks.filter((finding) => finding.status === 'warn'),
  ];
  return (
    <Show when={problems().length > 0}>
      <section class="fc-to-fix" aria-labelledby="fc-to-fix-title">
        <h2 id="fc-to-fix-title">{fill(texts.ui.toFix, { count: problems().length })}</h2>
        <ol>
          <For each={problems()}>
            {(finding) => {
              const text = findingText(texts, finding);
              return (
              <li class="fc-finding fc-problem" data-status={finding.status} data-check={finding.id}>
                <p class="fc-finding-title">
                  <span class="fc-badge">{texts.status[finding.status]}</span> <strong>{text.title}</strong>
                </p>
                <p class="fc-detail">{finding.detail}</p>
                <Show when={text.fix}>
                  <p class="fc-fix">
                    <strong>{texts.ui.fix}</strong> {text.fix}
                  </p>
                </Show>
                <FixSnippets finding={finding} report={props.report} />
                <Show when={safeHref(localDocs(texts, finding.docs))}>
                  {(link) => (
                    <a class="fc-docs" href={link()}>
                      {fillParts(texts.ui.guide, { title: text.title })}
                    </a>
                  )}
                </Show>
              </li>
              );
            }}
          </For>
        </ol>
      </section>
    </Show>
  );
}
