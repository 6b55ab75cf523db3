// The checker island's code that loads with the page, in one chunk: Checker.tsx with
// everything it imports statically, Solid's runtime included (the renderer, a few hundred
// bytes, imports it from there). Rolldown would otherwise split it by importer into Solid,
// the island and the modules the island shares with the chunks it loads later (engine,
// report view): more files, each its own gzip stream. Vite's preload helper keeps a chunk of
// its own: Starlight's scripts on every page import it, and must not load the island with it.
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const CHECKER = fileURLToPath(new URL('../components/Checker.tsx', import.meta.url));

export function islandChunks(): Plugin {
  return {
    name: 'fedcheck:island-chunks',
    apply: 'build',
    applyToEnvironment: (environment) => environment.name === 'client',
    options(options) {
      // Astro's "exports-only" keeps an entry's exports to its own; the island's entry chunk
      // also exports what the later chunks import from it (Astro reads only its default).
      options.preserveEntrySignatures = 'allow-extension';
    },
    outputOptions(output) {
      const splitting = typeof output.codeSplitting === 'object' ? output.codeSplitting : {};
      const groups = [
        { name: 'preload-helper', test: /preload-helper/ },
        { name: 'Checker', test: (id: string) => id === CHECKER, includeDependenciesRecursively: true },
      ];
      output.codeSplitting = { ...splitting, groups: [...(splitting.groups ?? []), ...groups] };
    },
  };
}
