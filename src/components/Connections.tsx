// What the proxy saw on each address: TCP, TLS, the certificate and the homeserver.
import { For } from 'solid-js';
import type { ConnectionReport } from '../checker/report.ts';
import { ScrollTable } from './ScrollTable.tsx';
import { fill, useTexts } from './labels.ts';

export function Connections(props: { connections: ConnectionReport[]; connectionKey: (address: string, port: number) => string }) {
  const texts = useTexts();
  return (
    <section class="fc-connections" aria-labelledby="fc-connections-title">
      <h2 id="fc-connections-title">{texts.ui.connectionsTitle}</h2>
      <ScrollTable label={texts.ui.connectionsTable} columns={[texts.ui.address, 'TLS', texts.ui.certificate, texts.ui.homeserver]}>
        <For each={props.connections}>
          {(connection) => (
            <tr>
              <td>
                <code>{props.connectionKey(connection.address, connection.port)}</code>
                {connection.tcp.ok ? '' : ` ${connection.tcp.error ?? texts.ui.refused}`}
              </td>
              <td>{connection.tls ? (connection.tls.ok ? connection.tls.version ?? texts.ui.yes : connection.tls.error ?? texts.ui.failed) : '—'}</td>
              <td>
                {connection.certificate
                  ? fill(texts.ui.certificateDetail, {
                      subject: connection.certificate.subjectCommonName || connection.certificate.subjectAltNames.join(', '),
                      issuer: connection.certificate.issuerCommonName,
                      notAfter: connection.certificate.notAfter,
                    })
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
