// The live region: what is running, then the verdict in one sentence, the deciding step and
// one line per area group (Federation, Sign-in, Calls, …). Its data attributes are the
// machine-readable outcome (tests, user scripts).
import { For, Match, Show, Switch } from 'solid-js';
import { summarizeAreaGroups } from '../checker/area-groups.ts';
import type { RunState } from './Checker.tsx';
import type { StepProgress } from './RunProgress.tsx';
import { fill, useTexts, type CheckerTexts } from './labels.ts';

export function ResultSummary(props: { run: RunState; steps: StepProgress[] }) {
  const texts = useTexts();
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
              {fill(texts.ui.runningSummary, {
                server: running().serverName,
                done: props.steps.filter((step) => step.status !== 'running').length,
                total: props.steps.length,
              })}
            </p>
          )}
        </Match>
        <Match when={report()}>
          {(done) => (
            <>
              <p class="fc-verdict">
                {texts.verdict[done().verdict]}: {done().serverName}
              </p>
              <Show when={done().resolution}>{(resolution) => <p>{fill(texts.ui.foundThrough, { step: texts.step[resolution().step] })}</p>}</Show>
              <ul class="fc-area-groups" aria-label={texts.ui.byArea}>
                <For each={summarizeAreaGroups(done().areas)}>
                  {(group) => (
                    <li data-group={group.group} data-status={group.status}>
                      <span class="fc-badge">{texts.status[group.status]}</span> {texts.areaGroup[group.group]}
                      {group.partlyTested ? ` ${texts.ui.partlyNotTested}` : ''}
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
              {fill(texts.ui.couldNotCheck, { server: failed().serverName, message: failed().message })}
            </p>
          )}
        </Match>
      </Switch>
    </div>
  );
}
