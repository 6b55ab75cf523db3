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

export interface ReportViewProps {
  outcome: BrowserCheckOutcome;
  /** The loaded engine: the report view uses its helpers rather than share chunks with it. */
  engine: Engine;
}

export default function ReportView(props: ReportViewProps) {
  const report = () => props.outcome.report;
  const notTested = () => report().checks.filter((check) => check.status === 'skip').length;
  return (
    <div class="fc-report">
      <Problems report={report()} />
      <ReportActions report={report()} markdown={props.engine.renderMarkdown} />
      <Show when={props.outcome.proxyError}>
        <p class="fc-notice" data-notice="proxy-failed">
          The proxy could not run its part ({props.outcome.proxyError}); connections, certificates and keys were not tested.
        </p>
      </Show>
      <Show when={props.outcome.unreadableWellKnown}>
        {(unreadable) => (
          <p class="fc-notice" data-notice="well-known-unreadable">
            This page could not read <code>{unreadable().url}</code>: it has no CORS headers, which homeservers do not need.{' '}
            {unreadable().discoveryBy === 'proxy'
              ? 'Discovery, DNS and connections below are what the proxy saw.'
              : 'Discovery below went on as if there were no delegation, which may be wrong. The proxy (npm start, or a proxy URL in the settings) reads it the way homeservers do.'}
          </p>
        )}
      </Show>
      <Show when={notTested() > 0}>
        <div class="fc-notice" data-notice="not-tested">
          <p>
            <strong>Not tested from this page: {notTested()} checks</strong> of connections, TLS certificates, the federation API
            and signing keys. A web page cannot open TLS connections itself or read other servers' answers, so it does not claim them.
          </p>
          <p>
            To test them, run the fedcheck proxy (<code>npm start</code>) and use the checker it serves, or give a proxy URL in the
            settings below.
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
