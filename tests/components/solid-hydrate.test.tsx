import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import solidHydrate from '../../src/components/solid-hydrate.ts';

const nextTask = () => new Promise((resolve) => setTimeout(resolve));

/** An island element as Astro leaves it before hydration. */
function islandElement(): HTMLElement {
  const element = document.createElement('astro-island');
  element.setAttribute('ssr', '');
  document.body.append(element);
  return element;
}

type HydrationGlobals = { _$HY?: { events: unknown[]; completed: WeakSet<object>; r: Record<string, unknown> } };

beforeEach(() => {
  // What the page's Solid hydration script (from the server render) sets up for hydrate().
  (globalThis as HydrationGlobals)._$HY = { events: [], completed: new WeakSet(), r: {} };
});
afterEach(() => {
  delete (globalThis as HydrationGlobals)._$HY;
  document.body.replaceChildren();
});

describe('solidHydrate', () => {
  // Astro calls the renderer inside the task that evaluates the page's module scripts; the
  // hydration in that same task made it the page's longest after the first paint.
  it.each(['load', 'only'])('hydrates a client:%s island in a task after the one Astro calls it in', async (client) => {
    const element = islandElement();
    const calls: string[] = [];
    solidHydrate(element)(() => {
      calls.push('rendered');
      return 'island';
    }, {}, {}, { client });
    expect(calls).toEqual([]);
    await Promise.resolve();
    expect(calls, 'not in a microtask of the same task either').toEqual([]);
    await nextTask();
    expect(calls).toEqual(['rendered']);
    // Hydration adopts the server's nodes (none here); a client-only island renders its own.
    if (client === 'only') expect(element.textContent).toBe('island');
  });

  it('renders an island once, though Astro calls again when its attributes change', async () => {
    const element = islandElement();
    let renders = 0;
    const hydrator = solidHydrate(element);
    const component = () => {
      renders += 1;
      return 'island';
    };
    hydrator(component, {}, {}, { client: 'only' });
    element.removeAttribute('ssr'); // as Astro does once the renderer returns
    hydrator(component, {}, {}, { client: 'only' });
    await nextTask();
    expect(renders).toBe(1);
  });

  it('unmounts the island on astro:unmount', async () => {
    const element = islandElement();
    solidHydrate(element)(() => 'island', {}, {}, { client: 'only' });
    await nextTask();
    expect(element.textContent).toBe('island');
    element.dispatchEvent(new Event('astro:unmount'));
    expect(element.textContent).toBe('');
  });

  it('refuses slots, which this site does not pass on', () => {
    const element = islandElement();
    expect(() => solidHydrate(element)(() => 'island', {}, { default: '<p>child</p>' }, { client: 'load' })).toThrow(/props only/);
  });
});
