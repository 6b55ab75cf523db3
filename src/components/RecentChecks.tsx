// Recent checks from localStorage, each a button that runs it again.
import { For, Show } from 'solid-js';
import type { RecentCheck } from './recent.ts';
import { VERDICT_TEXT } from './labels.ts';

export function RecentChecks(props: { recent: RecentCheck[]; onRun: (serverName: string) => void }) {
  return (
    <Show when={props.recent.length > 0}>
      <section class="fc-recent" aria-labelledby="fc-recent-title">
        <h2 id="fc-recent-title">Recent checks</h2>
        <ul>
          <For each={props.recent}>
            {(check) => (
              <li data-verdict={check.verdict}>
                <button type="button" class="fc-secondary" onClick={() => props.onRun(check.serverName)}>
                  Check {check.serverName} again
                </button>{' '}
                <span class="fc-muted">
                  {VERDICT_TEXT[check.verdict]}, <time datetime={check.checkedAt}>{new Date(check.checkedAt).toLocaleString()}</time>
                </span>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}
