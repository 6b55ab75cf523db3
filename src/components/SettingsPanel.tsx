// Settings: the DoH resolvers asked (add, remove), the proxy URL and whether private
// addresses are expected. Every change is saved by the caller.
import { createSignal, For, Show } from 'solid-js';
import type { ProxyStatus } from '../adapters/browser/proxy.ts';
import { parseResolver, type DohFormat } from '../adapters/browser/resolvers.ts';
import { defaultSettings, privateAddressesExpected, type Settings } from './settings.ts';
import { fill, useTexts } from './labels.ts';

export function SettingsPanel(props: { settings: Settings; proxy: ProxyStatus | null; onChange: (settings: Settings) => void }) {
  const texts = useTexts();
  const [resolverUrl, setResolverUrl] = createSignal('');
  const [format, setFormat] = createSignal<DohFormat | ''>('');
  const [error, setError] = createSignal('');
  const update = (change: Partial<Settings>) => props.onChange({ ...props.settings, ...change });
  const addResolver = (event: SubmitEvent) => {
    event.preventDefault();
    const parsed = parseResolver(resolverUrl(), format() || undefined);
    if (!parsed.ok) return setError(texts.ui[parsed.problem]);
    if (props.settings.resolvers.some((resolver) => resolver.url === parsed.resolver.url)) return setError(texts.ui.resolverDuplicate);
    setError('');
    setResolverUrl('');
    update({ resolvers: [...props.settings.resolvers, parsed.resolver] });
  };
  return (
    <details class="fc-settings">
      <summary>{texts.ui.settings}</summary>
      <fieldset>
        <legend>{texts.ui.resolversLegend}</legend>
        <ul>
          <For each={props.settings.resolvers}>
            {(resolver) => (
              <li>
                <code>{resolver.url}</code> <span class="fc-muted">{resolver.format === 'json' ? 'JSON API' : 'RFC 8484'}</span>{' '}
                <button
                  type="button"
                  class="fc-secondary"
                  disabled={props.settings.resolvers.length === 1}
                  aria-label={fill(texts.ui.removeResolver, { url: resolver.url })}
                  onClick={() => update({ resolvers: props.settings.resolvers.filter((other) => other !== resolver) })}
                >
                  {texts.ui.remove}
                </button>
              </li>
            )}
          </For>
        </ul>
        <form class="fc-form-row" onSubmit={addResolver}>
          <label for="fc-resolver-url" class="sr-only">
            {texts.ui.resolverUrl}
          </label>
          <input
            id="fc-resolver-url"
            type="url"
            placeholder="https://dns.example/dns-query"
            value={resolverUrl()}
            aria-describedby="fc-resolver-error"
            onInput={(event) => setResolverUrl(event.currentTarget.value)}
          />
          <label for="fc-resolver-format" class="sr-only">
            {texts.ui.format}
          </label>
          <select id="fc-resolver-format" value={format()} onChange={(event) => setFormat(event.currentTarget.value as DohFormat | '')}>
            <option value="">{texts.ui.formatFromUrl}</option>
            <option value="wire">RFC 8484 (dns-message)</option>
            <option value="json">JSON API</option>
          </select>
          <button type="submit" class="fc-secondary">
            {texts.ui.addResolver}
          </button>
        </form>
        <p id="fc-resolver-error" class="fc-error" aria-live="polite">
          {error()}
        </p>
        <button type="button" class="fc-secondary" onClick={() => update({ resolvers: defaultSettings().resolvers })}>
          {texts.ui.resetResolvers}
        </button>
      </fieldset>
      <fieldset>
        <legend>{texts.ui.proxyLegend}</legend>
        <label for="fc-proxy-url">{texts.ui.proxyUrl}</label>
        <input
          id="fc-proxy-url"
          type="url"
          placeholder="http://127.0.0.1:8080/"
          value={props.settings.proxyUrl}
          onChange={(event) => update({ proxyUrl: event.currentTarget.value.trim() })}
        />
      </fieldset>
      <fieldset>
        <legend>{texts.ui.addressesLegend}</legend>
        <label class="fc-check">
          <input
            type="checkbox"
            checked={privateAddressesExpected(props.settings, props.proxy)}
            onChange={(event) => update({ allowPrivate: event.currentTarget.checked })}
          />
          {texts.ui.allowPrivate}
        </label>
        <Show when={props.settings.allowPrivate === undefined && props.proxy?.state === 'found' && props.proxy.allowPrivate}>
          <p class="fc-muted" data-private="from-proxy">
            {texts.ui.privateFromProxy}
          </p>
        </Show>
      </fieldset>
    </details>
  );
}
