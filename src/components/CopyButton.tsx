// A button that copies text and says so in its own label for a moment.
import { createSignal, Show } from 'solid-js';
import { useTexts } from './labels.ts';

/** `context` is read by screen readers after the label, e.g. which snippet is copied. */
export function CopyButton(props: { text: () => string; label: string; context?: string }) {
  const texts = useTexts();
  const [state, setState] = createSignal<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text());
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2000);
  };
  return (
    <button type="button" class="fc-secondary" onClick={copy}>
      {state() === 'copied' ? texts.ui.copied : state() === 'failed' ? texts.ui.copyFailed : props.label}
      <Show when={props.context}>
        <span class="sr-only">{` ${props.context}`}</span>
      </Show>
    </button>
  );
}
