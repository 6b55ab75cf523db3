// The live region: what is running, then the verdict in one sentence, the deciding step and
// one line per area group (Federation, Sign-in, Calls, …). Its data attributes are the
// machine-readable outcome (tests, user scripts).
import { For, Match, Show, Switch } from 'solid-js';
import { summarizeAreaGroups } from '../checker/area-groups.ts';
import type { RunState } from './Checker.tsx';
import type { StepProgress } from './RunProgress.tsx';
import { STATUS_TEXT, STEP_TEXT, VERDICT_TEXT } from './labels.ts';

export function ResultSummary(props: { run: RunState; steps: StepProgress[] }) {
  const report = () => (props.run.phase === 'done' ? props.run.outcome.report : null);
  return (
    <div
      class="fc-summary"
      role="status"
      data-state={props.run.phase}
      data-verdict={report()?.verdict}
      data-resolution-step={report()?.resolution?.step}
    >
      <Switch>
        <Match when={props.run.phase === 'running' && props.run}>
          {(running) => (
            <p>
              Checking {running().serverName}… {props.steps.filter((step) => step.status !== 'running').length} of{' '}
              {props.steps.length} steps done
            </p>
          )}
        </Match>
        <Match when={report()}>
          {(done) => (
            <>
              <p class="fc-verdict">
                {VERDICT_TEXT[done().verdict]}: {done().serverName}
              </p>
              <Show when={done().resolution}>{(resolution) => <p>Found through {STEP_TEXT[resolution().step]}.</p>}</Show>
              <ul class="fc-area-groups" aria-label="By area">
                <For each={summarizeAreaGroups(done().areas)}>
                  {(group) => (
                    <li data-group={group.group} data-status={group.status}>
                      <span class="fc-badge">{STATUS_TEXT[group.status]}</span> {group.label}
                      {group.partlyTested ? ' (partly not tested from this page)' : ''}
                    </li>
                  )}
                </For>
              </ul>
            </>
          )}
        </Match>
        <Match when={props.run.phase === 'error' && props.run}>
          {(failed) => (
            <p class="fc-error">
              Could not check {failed().serverName}: {failed().message}
            </p>
          )}
        </Match>
      </Switch>
    </div>
  );
}
