// The live region: what is running, then the verdict in one sentence. Its data attributes
// are the machine-readable outcome (tests, user scripts).
import { Match, Switch } from 'solid-js';
import type { Report } from '../checker/report.ts';
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
              <p>
                {countFindings(texts, done())}
                {done().resolution ? ` ${fill(texts.ui.foundThrough, { step: texts.step[done().resolution!.step] })}` : ''}
              </p>
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

function countFindings(texts: CheckerTexts, report: Report): string {
  const parts = (['fail', 'warn', 'skip'] as const).flatMap((status) => {
    const count = report.checks.filter((check) => check.status === status).length;
    return count > 0 ? [`${status === 'skip' ? texts.ui.notTestedHere : texts.status[status]}: ${count}`] : [];
  });
  return parts.length > 0 ? `${parts.join(', ')}.` : texts.ui.allPassed;
}
