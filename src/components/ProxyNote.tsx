// Where connection, TLS and key checks come from on this page: a proxy, or nowhere.
import { Match, Switch } from 'solid-js';
import type { ProxyStatus } from '../adapters/browser/proxy.ts';

export function ProxyNote(props: { proxy: ProxyStatus | null }) {
  return (
    <p class="fc-proxy" data-proxy={props.proxy?.state ?? 'detecting'}>
      <Switch>
        <Match when={props.proxy === null}>Looking for a fedcheck proxy…</Match>
        <Match when={props.proxy?.state === 'found' && props.proxy}>
          {(found) => (
            <>
              Proxy: <code>{found().url}</code> {found().version ? `(fedcheck ${found().version})` : ''} tests connections,
              certificates and signing keys; this page checks DNS and .well-known itself.
            </>
          )}
        </Match>
        <Match when={props.proxy?.state === 'unreachable' && props.proxy}>
          {(failed) => (
            <>
              The proxy at <code>{failed().url}</code> does not answer ({failed().error}). Checks run from this page only:
              connections, certificates and keys will not be tested.
            </>
          )}
        </Match>
        <Match when={props.proxy?.state === 'none'}>
          No proxy: this page checks DNS and .well-known itself. To test connections, certificates and signing keys too, run{' '}
          <code>npm start</code> and open the checker it serves, or give a proxy URL in the settings.
        </Match>
      </Switch>
    </p>
  );
}
