// What the proxy saw on each address: TCP, TLS, the certificate and the homeserver.
import { For } from 'solid-js';
import type { ConnectionReport } from '../checker/report.ts';
import { ScrollTable } from './ScrollTable.tsx';

export function Connections(props: { connections: ConnectionReport[]; connectionKey: (address: string, port: number) => string }) {
  return (
    <section class="fc-connections" aria-labelledby="fc-connections-title">
      <h2 id="fc-connections-title">Connections tested by the proxy</h2>
      <ScrollTable label="Connections table" columns={['Address', 'TLS', 'Certificate', 'Homeserver']}>
        <For each={props.connections}>
          {(connection) => (
            <tr>
              <td>
                <code>{props.connectionKey(connection.address, connection.port)}</code>
                {connection.tcp.ok ? '' : ` ${connection.tcp.error ?? 'refused'}`}
              </td>
              <td>{connection.tls ? (connection.tls.ok ? connection.tls.version ?? 'yes' : connection.tls.error ?? 'failed') : '—'}</td>
              <td>
                {connection.certificate
                  ? `${connection.certificate.subjectCommonName || connection.certificate.subjectAltNames.join(', ')}, by ${connection.certificate.issuerCommonName}, until ${connection.certificate.notAfter}`
                  : '—'}
              </td>
              <td>
                {connection.version
                  ? connection.version.error ?? `${connection.version.name ?? '?'} ${connection.version.version ?? ''}`
                  : '—'}
              </td>
            </tr>
          )}
        </For>
      </ScrollTable>
    </section>
  );
}
