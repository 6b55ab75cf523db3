// The config snippets for one finding, each with a copy button.
import { For } from 'solid-js';
import type { Finding, Report } from '../checker/report.ts';
import { snippetsFor } from './snippets.ts';
import { CopyButton } from './CopyButton.tsx';

export function FixSnippets(props: { finding: Finding; report: Report }) {
  return (
    <For each={snippetsFor(props.report, props.finding)}>
      {(snippet) => (
        <figure class="fc-snippet">
          <figcaption>{snippet.title}</figcaption>
          <pre tabindex="0">
            <code>{snippet.text}</code>
          </pre>
          <CopyButton text={() => snippet.text} label="Copy" context={snippet.title} />
        </figure>
      )}
    </For>
  );
}
