// A finished report: what to fix first, then what was not tested or not readable and why,
// the trace (folded after a pass), the proxy's connections and the findings by area. Loaded
// when a check starts, not with the page.
import { Show } from 'solid-js';
import type { BrowserCheckOutcome } from '../adapters/browser/check.ts';
import type { Engine } from './Checker.tsx';
import { ReportActions } from './ReportActions.tsx';
import { ResolutionTrace } from './ResolutionTrace.tsx';
import { Connections } from './Connections.tsx';
import { Findings } from './Findings.tsx';
import { Problems } from './Problems.tsx';
import { fillParts, useTexts } from './labels.ts';

export interface ReportViewProps {
  outcome: BrowserCheckOutcome;
  /** The loaded engine: the report view uses its helpers rather than share chunks with it. */
  engine: Engine;
}

const PAGE_BLIND_AREAS = new Set(['connection', 'tls', 'federation', 'keys']);

export default function ReportView(props: ReportViewProps) {
  const texts = useTexts();
  const report = () => props.outcome.report;
  // The notice is about what a page cannot test; a skipped outgoing test has its own reason.
  const notTested = () => report().checks.filter((check) => check.status === 'skip' && PAGE_BLIND_AREAS.has(props.engine.areaOf(check.id))).length;
  return (
    <div class="fc-report">
      <Problems report={report()} />
      <ReportActions report={report()} markdown={props.engine.renderMarkdown} />
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
      <ResolutionTrace report={report()} open={report().verdict !== 'pass'} />
      <Show when={report().connections.length > 0}>
        <Connections connections={report().connections} connectionKey={props.engine.connectionKey} />
      </Show>
      <Findings report={report()} areaOf={props.engine.areaOf} />
    </div>
  );
}
