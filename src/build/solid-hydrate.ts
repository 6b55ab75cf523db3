// Points Astro's Solid renderer for the page (@astrojs/solid-js/client.js) at our leaner one,
// src/components/solid-hydrate.ts, which hydrates islands without a props store. The server
// side (server rendering, the hydration script) stays @astrojs/solid-js's.
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const ASTRO_SOLID_CLIENT = '@astrojs/solid-js/client.js';
const STAND_IN = fileURLToPath(new URL('../components/solid-hydrate.ts', import.meta.url));

export function solidHydrate(): Plugin {
  return {
    name: 'fedcheck:solid-hydrate',
    enforce: 'pre',
    resolveId(source) {
      return source === ASTRO_SOLID_CLIENT ? STAND_IN : null;
    },
  };
}
