// Live progress: one line per step of the check as the core starts and finishes it.
import { For, Show } from 'solid-js';
import type { CheckStatus } from '../checker/report.ts';
import { useTexts } from './labels.ts';

export interface StepProgress {
  id: string;
  label: string;
  status: CheckStatus | 'running';
  durationMs?: number;
}

export function RunProgress(props: { steps: StepProgress[] }) {
  const texts = useTexts();
  return (
    <ol class="fc-progress" aria-label={texts.ui.progress}>
      <For each={props.steps}>
        {(step) => (
          <li data-status={step.status}>
            <span class="fc-badge">{step.status === 'running' ? texts.ui.running : texts.status[step.status]}</span>
            {step.label}
            <Show when={step.durationMs !== undefined}>
              <span class="fc-muted"> {Math.round(step.durationMs!)} ms</span>
            </Show>
          </li>
        )}
      </For>
    </ol>
  );
}
