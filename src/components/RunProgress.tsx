// Live progress: one line per step of the check as the core starts and finishes it. Steps
// are only ever appended or updated in place, so rows are keyed by position (Index): a
// step that finishes changes its badge and duration, and no row is built again.
import { Index, Show } from 'solid-js';
import type { CheckStatus } from '../checker/report.ts';
import { useTexts } from './labels.ts';

/** How long a check runs before its steps go on screen (Checker.tsx, onProgress). Not in
 * Checker.tsx itself: the island's entry chunk keeps its module's exports. */
export const PROGRESS_DELAY_MS = 500;
/** How often they are redrawn at most after that. */
export const PROGRESS_INTERVAL_MS = 100;

export interface StepProgress {
  id: string;
  label: string;
  status: CheckStatus | 'running';
  durationMs?: number;
}

export function RunProgress(props: { steps: StepProgress[] }) {
  const texts = useTexts();
  const badge = (status: StepProgress['status']) => (status === 'running' ? texts.ui.running : texts.status[status]);
  return (
    <ol class="fc-progress" aria-label={texts.ui.progress}>
      <Index each={props.steps}>
        {(step) => (
          <li data-status={step().status}>
            <span class="fc-badge">{badge(step().status)}</span>
            {step().label}
            <Show when={step().durationMs !== undefined}>
              <span class="fc-muted"> {Math.round(step().durationMs!)} ms</span>
            </Show>
          </li>
        )}
      </Index>
    </ol>
  );
}
