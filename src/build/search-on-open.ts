// Starlight's Search imports Pagefind's UI at idle on every page; this points that one import
// (and no other, so the stand-in can still load the real UI) at src/components/pagefind-on-open.ts,
// which loads the UI when the search dialog first opens. Starlight's markup, styles, keyboard
// shortcut and translations stay its own.
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const PAGEFIND_UI = '@pagefind/default-ui';
/** Starlight's Search component, the only importer redirected (its path under node_modules/@astrojs/starlight/). */
const STARLIGHT_SEARCH = /\/@astrojs\/starlight\/.*\/Search\.astro\b/;
const STAND_IN = fileURLToPath(new URL('../components/pagefind-on-open.ts', import.meta.url));

export function searchOnOpen(): Plugin {
  return {
    name: 'fedcheck:search-on-open',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === PAGEFIND_UI && importer && STARLIGHT_SEARCH.test(importer)) return STAND_IN;
      return null;
    },
  };
}
