// The resolution trace: which spec step decided, where it leads, the Host header and TLS
// names to use; then the waterfall, every step with its requests on a shared time axis.
// Each is a disclosure, open when the check found a problem: after a pass they are detail
// that few need, after a problem they are where to look next.
import { For, Show } from 'solid-js';
import type { Report } from '../checker/report.ts';
import { ScrollTable } from './ScrollTable.tsx';
import { fill, useTexts } from './labels.ts';

export function ResolutionTrace(props: { report: Report; open: boolean }) {
  const texts = useTexts();
  const total = () => Math.max(1, ...props.report.steps.map((step) => step.startedMs + step.durationMs));
  const percent = (ms: number) => `${((ms / total()) * 100).toFixed(2)}%`;
  return (
    <>
    <details class="fc-trace" open={props.open}>
      <summary>{fill(texts.ui.traceTitle, { server: props.report.serverName })}</summary>
      <Show when={props.report.resolution} fallback={<p>{texts.ui.traceNoTarget}</p>}>
        {(resolution) => (
          <>
            <dl class="fc-resolution">
              <dt>{texts.ui.decidedBy}</dt>
              <dd>{texts.step[resolution().step]}</dd>
              <Show when={resolution().delegatedServerName}>
                <dt>{texts.ui.delegatedTo}</dt>
                <dd>
                  <code>{resolution().delegatedServerName}</code>
                </dd>
              </Show>
              <dt>{texts.ui.hostHeader}</dt>
              <dd>
                <code>{resolution().hostHeader}</code>
              </dd>
              <dt>{texts.ui.certificateFor}</dt>
              <dd>
                <code>{resolution().tlsName}</code>
              </dd>
              <dt>{texts.ui.sni}</dt>
              <dd>{resolution().sni ? <code>{resolution().sni}</code> : texts.ui.sniNone}</dd>
            </dl>
            <ScrollTable label={texts.ui.targetsTable} columns={[texts.ui.target, texts.ui.addresses, texts.ui.fromSrv]}>
              <For each={resolution().targets}>
                {(target) => (
                  <tr>
                    <td>
                      <code>
                        {target.host}:{target.port}
                      </code>
                    </td>
                    <td>{target.addresses.join(', ') || texts.ui.none}</td>
                    <td>{target.srv ? fill(texts.ui.srvDetail, { name: target.srv.name, priority: target.srv.priority, weight: target.srv.weight }) : texts.ui.no}</td>
                  </tr>
                )}
              </For>
            </ScrollTable>
          </>
        )}
      </Show>
    </details>
    <details class="fc-trace fc-waterfall" open={props.open}>
      <summary>
        {fill(texts.ui.stepsSummary, { count: props.report.steps.length, ms: Math.round(props.report.durationMs) })}
      </summary>
      <ol class="fc-steps">
        <For each={props.report.steps}>
          {(step) => (
            <li data-status={step.status}>
              <p>
                <span class="fc-badge">{texts.status[step.status]}</span> {step.label}{' '}
                <span class="fc-muted">
                  {fill(texts.ui.stepTiming, { duration: Math.round(step.durationMs), start: Math.round(step.startedMs) })}
                </span>
              </p>
              <span
                class="fc-bar"
                aria-hidden="true"
                style={{ '--fc-bar-start': percent(step.startedMs), '--fc-bar-width': percent(step.durationMs) }}
              />
              <Show when={step.requests.length > 0}>
                <ul class="fc-requests">
                  <For each={step.requests}>
                    {(request) => (
                      <li>
                        <code>
                          {request.method} {request.url}
                        </code>{' '}
                        → {request.error ?? (request.status === undefined ? texts.ui.answered : `HTTP ${request.status}`)}
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </li>
          )}
        </For>
      </ol>
    </details>
    </>
  );
}
