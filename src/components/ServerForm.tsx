// The server-name input, validated on every keystroke with the core parser's own messages.
import { createMemo, For, Show } from 'solid-js';
import { parseServerName } from '../checker/server-name.ts';
import { useTexts } from './labels.ts';

export interface ServerFormProps {
  value: string;
  busy: boolean;
  onInput: (value: string) => void;
  /** Focus says a check is coming: the island loads its engine then, if idle time has not already. */
  onFocus: () => void;
  onSubmit: (serverName: string) => void;
}

export function ServerForm(props: ServerFormProps) {
  const texts = useTexts();
  let field: HTMLInputElement | undefined;
  const parsed = createMemo(() => (props.value.trim() === '' ? null : parseServerName(props.value.trim())));
  const error = () => {
    const result = parsed();
    return result && !result.ok ? result.error : null;
  };
  const warnings = () => {
    const result = parsed();
    return result?.ok ? result.warnings : [];
  };
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const result = parsed();
    if (result?.ok) props.onSubmit(props.value.trim());
    else field?.focus();
  };
  return (
    <form class="fc-form" role="search" aria-label={texts.ui.formLabel} onSubmit={submit}>
      <label for="fc-server">{texts.ui.fieldLabel}</label>
      <div class="fc-form-row">
        <input
          ref={field}
          id="fc-server"
          name="server"
          type="text"
          inputmode="url"
          autocomplete="off"
          autocapitalize="off"
          spellcheck={false}
          placeholder="example.org"
          value={props.value}
          aria-invalid={error() !== null}
          aria-describedby="fc-server-help"
          onInput={(event) => props.onInput(event.currentTarget.value)}
          onFocus={() => props.onFocus()}
        />
        <button type="submit">{props.busy ? texts.ui.checking : texts.ui.check}</button>
      </div>
      <div id="fc-server-help" class="fc-form-help" aria-live="polite">
        <Show
          when={error()}
          fallback={
            <Show when={warnings().length > 0} fallback={<span>{texts.ui.fieldHelp}</span>}>
              <ul class="fc-warnings">
                <For each={warnings()}>{(warning) => <li>{warning}</li>}</For>
              </ul>
            </Show>
          }
        >
          {(message) => <span class="fc-error">{message()}</span>}
        </Show>
      </div>
    </form>
  );
}
