// Recent checks from localStorage, each a button that runs it again.
import { For, Show } from 'solid-js';
import type { RecentCheck } from './recent.ts';
import { fill, useTexts } from './labels.ts';

export function RecentChecks(props: { recent: RecentCheck[]; onRun: (serverName: string) => void }) {
  const texts = useTexts();
  return (
    <Show when={props.recent.length > 0}>
      <section class="fc-recent" aria-labelledby="fc-recent-title">
        <h2 id="fc-recent-title">{texts.ui.recentTitle}</h2>
        <ul>
          <For each={props.recent}>
            {(check) => (
              <li data-verdict={check.verdict}>
                <button type="button" class="fc-secondary" onClick={() => props.onRun(check.serverName)}>
                  {fill(texts.ui.checkAgain, { server: check.serverName })}
                </button>{' '}
                <span class="fc-muted">
                  {texts.verdict[check.verdict]}, <time datetime={check.checkedAt}>{new Date(check.checkedAt).toLocaleString(texts.lang)}</time>
                </span>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}
