// The page's Solid renderer for Astro islands, in place of @astrojs/solid-js/client.js (the
// build points that import here: src/build/solid-hydrate.ts). Astro's keeps an island's props
// in a Solid store, so that a later render with new props (view transitions) can reconcile
// them; that store module is most of its weight. This site's islands get their props once, at
// hydration, and have no slots, so plain props do: the island hydrates as the server rendered
// it (inside Suspense, with the server's render id).
import { Suspense, type Component } from 'solid-js';
import { createComponent, hydrate, render } from 'solid-js/web';

type Hydrator = (
  component: Component<Record<string, unknown>>,
  props: Record<string, unknown>,
  slots: Record<string, string>,
  options: { client: string },
) => void;

export default function solidHydrate(element: HTMLElement): Hydrator {
  return (component, props, slots, { client }) => {
    // Astro calls again when the island's attributes change; it was hydrated once (then Astro removed "ssr").
    if (!element.hasAttribute('ssr')) return;
    if (Object.keys(slots).length > 0) throw new Error('Solid islands on this site take props only: slots and children are not passed on');
    const island = () => createComponent(component, props);
    // The server rendered the island inside Suspense: hydration keys follow that tree.
    const asRendered = () => createComponent(Suspense, { get children() { return island(); } });
    // In a task of its own: Astro calls here inside the task that evaluates the page's module
    // scripts and dispatches DOMContentLoaded, which together with the hydration made the
    // page's longest task after its first paint (Lighthouse's blocking time). The island is
    // server-rendered, so the reader sees no difference.
    setTimeout(() => {
      const dispose = client === 'only' ? render(island, element) : hydrate(asRendered, element, { renderId: element.dataset.solidRenderId });
      element.addEventListener('astro:unmount', dispose, { once: true });
    });
  };
}
