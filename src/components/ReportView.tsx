// A finished report: what was not tested and why, the trace, the proxy's connections and
// the findings. Loaded with the engine when a check starts, not with the page.
import { Show } from 'solid-js';
import type { Report } from '../checker/report.ts';
import { ReportActions } from './ReportActions.tsx';
import { ResolutionTrace } from './ResolutionTrace.tsx';
import { Connections } from './Connections.tsx';
import { Findings } from './Findings.tsx';

export interface ReportViewProps {
  report: Report;
  proxyError?: string;
  markdown: (report: Report) => string;
  areaOf: (id: string) => string;
}

export default function ReportView(props: ReportViewProps) {
  const notTested = () => props.report.checks.filter((check) => check.status === 'skip').length;
  return (
    <div class="fc-report">
      <ReportActions report={props.report} markdown={props.markdown} />
      <Show when={props.proxyError}>
        <p class="fc-notice" data-notice="proxy-failed">
          The proxy could not run its part ({props.proxyError}); connections, certificates and keys were not tested.
        </p>
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
      <ResolutionTrace report={props.report} />
      <Show when={props.report.connections.length > 0}>
        <Connections connections={props.report.connections} />
      </Show>
      <Findings report={props.report} areaOf={props.areaOf} />
    </div>
  );
}
