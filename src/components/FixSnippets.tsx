// The config snippets for one finding, each with a copy button.
import { For } from 'solid-js';
import type { Finding, Report } from '../checker/report.ts';
import { snippetsFor } from './snippets.ts';
import { CopyButton } from './CopyButton.tsx';
import { useTexts } from './labels.ts';

export function FixSnippets(props: { finding: Finding; report: Report }) {
  const texts = useTexts();
  return (
    <For each={snippetsFor(props.report, props.finding)}>
      {(snippet) => (
        <figure class="fc-snippet">
          <figcaption>{snippet.title}</figcaption>
          <pre tabindex="0">
            <code>{snippet.text}</code>
          </pre>
          <CopyButton text={() => snippet.text} label={texts.ui.copy} context={snippet.title} />
        </figure>
      )}
    </For>
  );
}
