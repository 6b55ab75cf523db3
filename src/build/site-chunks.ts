// How the site's client code is cut into files: every chunk a page's scripts import is one the
// page asks for itself. A module's static imports are only fetched once it has arrived, so a
// chunk named by no page is one more round trip before the scripts that import it run (and
// Lighthouse counts such a chain in a guide's first paint).
// - The island's code that loads with the page, in one chunk: Checker.tsx with everything it
//   imports statically, Solid's runtime included (the renderer, a few hundred bytes, imports it
//   from there). Rolldown would otherwise split it by importer into Solid, the island and the
//   modules the island shares with the chunks it loads later (engine, report view): more files,
//   each its own gzip stream.
// - Vite's preload helper, which Starlight's search and the island import, goes with Astro's
//   page script, which every page names: alone it was a chunk that no page named.
// - Starlight's table-of-contents element goes with the wide table of contents' script (which
//   is nothing but an import of it): every page with a table of contents names both scripts,
//   and the narrow one imports the element from there.
//
// On the server side (the prerender environment), the island's stylesheet in a chunk of its
// own. Astro gives a page every stylesheet of each chunk that holds a module the page reaches,
// and Rolldown put checker.css in one chunk with Starlight's Card and CardGrid, which every
// page reaches through Starlight's Footer: the island's styles went on every guide as one
// more render-blocking stylesheet. Alone, they go only with the pages whose content renders
// the island.
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const CHECKER = fileURLToPath(new URL('../components/Checker.tsx', import.meta.url));
const CHECKER_STYLES = fileURLToPath(new URL('../components/checker.css', import.meta.url));
/** Astro's page script (its prefetch, which Starlight turns on), on every page. */
const ASTRO_PAGE_SCRIPT = 'astro:scripts/page.js';
/** Starlight's TableOfContents.astro script (not MobileTableOfContents.astro's) and the element it defines. */
const TABLE_OF_CONTENTS = /\/components\/TableOfContents\.astro\?astro&type=script|\/components-internals\/TableOfContents\/starlight-toc\.js$/;

type ChunkGroup = { name: string; test: RegExp | ((id: string) => boolean); includeDependenciesRecursively?: boolean };

export function siteChunks(): Plugin[] {
  return [
    {
      ...chunkGroups('client', [
        { name: 'page', test: (id) => id === ASTRO_PAGE_SCRIPT || /preload-helper/.test(id) },
        { name: 'TableOfContents', test: TABLE_OF_CONTENTS },
        { name: 'Checker', test: (id) => id === CHECKER, includeDependenciesRecursively: true },
      ]),
      options(options) {
        // Astro's "exports-only" keeps an entry's exports to its own; the island's entry chunk
        // also exports what the later chunks import from it (Astro reads only its default).
        options.preserveEntrySignatures = 'allow-extension';
      },
    },
    chunkGroups('prerender', [{ name: 'checker-styles', test: (id) => id === CHECKER_STYLES }]),
  ];
}

/** A build plugin that adds Rolldown chunk groups to one Vite environment's output. */
function chunkGroups(environmentName: string, groups: ChunkGroup[]): Plugin {
  return {
    name: `fedcheck:site-chunks-${environmentName}`,
    apply: 'build',
    applyToEnvironment: (environment) => environment.name === environmentName,
    outputOptions(output) {
      const splitting = typeof output.codeSplitting === 'object' ? output.codeSplitting : {};
      output.codeSplitting = { ...splitting, groups: [...(splitting.groups ?? []), ...groups] };
    },
  };
}
