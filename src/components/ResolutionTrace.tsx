// The resolution trace: which spec step decided, where it leads, the Host header and TLS
// names to use; then the waterfall, every step with its requests on a shared time axis.
// Each is a disclosure, open when the check found a problem: after a pass they are detail
// that few need, after a problem they are where to look next.
import { For, Show } from 'solid-js';
import type { Report } from '../checker/report.ts';
import { ScrollTable } from './ScrollTable.tsx';
import { STATUS_TEXT, STEP_TEXT } from './labels.ts';

export function ResolutionTrace(props: { report: Report; open: boolean }) {
  const total = () => Math.max(1, ...props.report.steps.map((step) => step.startedMs + step.durationMs));
  const percent = (ms: number) => `${((ms / total()) * 100).toFixed(2)}%`;
  return (
    <>
    <details class="fc-trace" open={props.open}>
      <summary>How homeservers find {props.report.serverName}</summary>
      <Show when={props.report.resolution} fallback={<p>Discovery did not get far enough to name a target.</p>}>
        {(resolution) => (
          <>
            <dl class="fc-resolution">
              <dt>Decided by</dt>
              <dd>{STEP_TEXT[resolution().step]}</dd>
              <Show when={resolution().delegatedServerName}>
                <dt>Delegated to</dt>
                <dd>
                  <code>{resolution().delegatedServerName}</code>
                </dd>
              </Show>
              <dt>Host header</dt>
              <dd>
                <code>{resolution().hostHeader}</code>
              </dd>
              <dt>Certificate must be valid for</dt>
              <dd>
                <code>{resolution().tlsName}</code>
              </dd>
              <dt>SNI</dt>
              <dd>{resolution().sni ? <code>{resolution().sni}</code> : 'none (IP address)'}</dd>
            </dl>
            <ScrollTable label="Targets table" columns={['Target', 'Addresses', 'From SRV']}>
              <For each={resolution().targets}>
                {(target) => (
                  <tr>
                    <td>
                      <code>
                        {target.host}:{target.port}
                      </code>
                    </td>
                    <td>{target.addresses.join(', ') || 'none'}</td>
                    <td>{target.srv ? `${target.srv.name} (priority ${target.srv.priority}, weight ${target.srv.weight})` : 'no'}</td>
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
        Steps and requests ({props.report.steps.length} steps, {Math.round(props.report.durationMs)} ms)
      </summary>
      <ol class="fc-steps">
        <For each={props.report.steps}>
          {(step) => (
            <li data-status={step.status}>
              <p>
                <span class="fc-badge">{STATUS_TEXT[step.status]}</span> {step.label}{' '}
                <span class="fc-muted">
                  {Math.round(step.durationMs)} ms, from {Math.round(step.startedMs)} ms
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
                        → {request.error ?? (request.status === undefined ? 'answered' : `HTTP ${request.status}`)}
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
