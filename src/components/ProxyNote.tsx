// Where connection, TLS and key checks come from on this page: a proxy, or nowhere.
import { Match, Switch } from 'solid-js';
import type { ProxyStatus } from '../adapters/browser/proxy.ts';
import { fillParts, useTexts } from './labels.ts';

export function ProxyNote(props: { proxy: ProxyStatus | null }) {
  const texts = useTexts();
  return (
    <p class="fc-proxy" data-proxy={props.proxy?.state ?? 'detecting'}>
      <Switch>
        <Match when={props.proxy === null}>{texts.ui.proxyDetecting}</Match>
        <Match when={props.proxy?.state === 'found' && props.proxy}>
          {(found) => (
            <>
              {fillParts(texts.ui.proxyFound, {
                url: <code>{found().url}</code>,
                version: found().version ? `(fedcheck ${found().version})` : '',
              })}
            </>
          )}
        </Match>
        <Match when={props.proxy?.state === 'unreachable' && props.proxy}>
          {(failed) => (
            <>{fillParts(texts.ui.proxyUnreachable, { url: <code>{failed().url}</code>, error: failed().error })}</>
          )}
        </Match>
        <Match when={props.proxy?.state === 'none'}>
          {fillParts(texts.ui.proxyNone, { command: <code>npm start</code> })}
        </Match>
      </Switch>
    </p>
  );
}
