// A finished report: what was not tested or not readable and why, the trace, the proxy's
// connections and the findings. Loaded when a check starts, not with the page.
import { Show } from 'solid-js';
import type { Report } from '../checker/report.ts';
import type { BrowserCheckOutcome } from '../adapters/browser/check.ts';
import { ReportActions } from './ReportActions.tsx';
import { ResolutionTrace } from './ResolutionTrace.tsx';
import { Connections } from './Connections.tsx';
import { Findings } from './Findings.tsx';
import { fillParts, useTexts } from './labels.ts';

export interface ReportViewProps {
  outcome: BrowserCheckOutcome;
  markdown: (report: Report) => string;
  areaOf: (id: string) => string;
  defaultFix: (id: string) => string | undefined;
}

export default function ReportView(props: ReportViewProps) {
  const texts = useTexts();
  const report = () => props.outcome.report;
  const notTested = () => report().checks.filter((check) => check.status === 'skip').length;
  return (
    <div class="fc-report">
      <ReportActions report={report()} markdown={props.markdown} />
      <Show when={props.outcome.proxyError}>
        <p class="fc-notice" data-notice="proxy-failed">
          {fillParts(texts.ui.proxyFailed, { error: props.outcome.proxyError ?? '' })}
        </p>
      </Show>
      <Show when={props.outcome.unreadableWellKnown}>
        {(unreadable) => (
          <p class="fc-notice" data-notice="well-known-unreadable">
            {fillParts(texts.ui.wellKnownUnreadable, { url: <code>{unreadable().url}</code> })}{' '}
            {unreadable().discoveryBy === 'proxy' ? texts.ui.discoveryByProxy : texts.ui.discoveryByPage}
          </p>
        )}
      </Show>
      <Show when={notTested() > 0}>
        <div class="fc-notice" data-notice="not-tested">
          <p>
            <strong>{fillParts(texts.ui.notTestedCount, { count: notTested() })}</strong> {texts.ui.notTestedWhat}
          </p>
          <p>
            {fillParts(texts.ui.notTestedHow, { command: <code>npm start</code> })}
          </p>
        </div>
      </Show>
      <ResolutionTrace report={report()} />
      <Show when={report().connections.length > 0}>
        <Connections connections={report().connections} />
      </Show>
      <Findings report={report()} areaOf={props.areaOf} defaultFix={props.defaultFix} />
    </div>
  );
}
