// A finished report: what was not tested or not readable and why, the trace, the proxy's
// connections and the findings. Loaded when a check starts, not with the page.
import { Show } from 'solid-js';
import type { Report } from '../checker/report.ts';
import type { BrowserCheckOutcome } from '../adapters/browser/check.ts';
import { ReportActions } from './ReportActions.tsx';
import { ResolutionTrace } from './ResolutionTrace.tsx';
import { Connections } from './Connections.tsx';
import { Findings } from './Findings.tsx';

export interface ReportViewProps {
  outcome: BrowserCheckOutcome;
  markdown: (report: Report) => string;
  areaOf: (id: string) => string;
}

const PAGE_BLIND_AREAS = new Set(['connection', 'tls', 'federation', 'keys']);

export default function ReportView(props: ReportViewProps) {
  const report = () => props.outcome.report;
  // The notice is about what a page cannot test; a skipped outgoing test has its own reason.
  const notTested = () => report().checks.filter((check) => check.status === 'skip' && PAGE_BLIND_AREAS.has(props.areaOf(check.id))).length;
  return (
    <div class="fc-report">
      <ReportActions report={report()} markdown={props.markdown} />
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
      <ResolutionTrace report={report()} />
      <Show when={report().connections.length > 0}>
        <Connections connections={report().connections} />
      </Show>
      <Findings report={report()} areaOf={props.areaOf} />
    </div>
  );
}
