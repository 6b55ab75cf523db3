// A table that scrolls sideways on narrow screens; focusable so keyboards can scroll it too.
import { For, type JSX } from 'solid-js';

export function ScrollTable(props: { label: string; columns: string[]; children: JSX.Element }) {
  return (
    <div class="fc-table" tabindex="0" role="region" aria-label={props.label}>
      <table>
        <thead>
          <tr>
            <For each={props.columns}>{(column) => <th scope="col">{column}</th>}</For>
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
