// Astro builds the page's scripts with preserveEntrySignatures "exports-only", so an island
// entry (Checker.tsx) may export nothing but its component, and the modules it shares with
// the chunks it loads later (the engine, the report view) became small chunks of their own,
// each one more file and gzip stream. Allowing extra exports lets Rolldown merge them into
// the island's entry, which the page loads anyway (Astro imports only its default export).
import type { Plugin } from 'vite';

export function islandChunks(): Plugin {
  return {
    name: 'fedcheck:island-chunks',
    apply: 'build',
    applyToEnvironment: (environment) => environment.name === 'client',
    options(options) {
      options.preserveEntrySignatures = 'allow-extension';
    },
  };
}
