// Marks the chunks whose functions run as soon as they load for eager compilation (V8's
// explicit compile hints, Chrome 136+: a first line `//# allFunctionsCalledOnLoad`). Without
// it V8 compiles each function lazily, on the main thread, at its first call:
// - the checker island's chunk hydrates the island right after it loads: lazy compiling was
//   more than half of the hydration task (tests/bench/README.md), the page's longest task
//   after its first paint;
// - the checker engine loads when the page is idle or the field gets focus, and a check then
//   calls most of its functions for the first time, between an answer and the request that
//   depends on it.
// A hinted chunk compiles while it streams in, off the main thread. Other engines read the
// line as a comment. It goes on after minification (Rolldown's postBanner), which would drop
// it otherwise.
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const HINTED = new Set(['../adapters/browser/check.ts', '../components/Checker.tsx'].map((entry) => fileURLToPath(new URL(entry, import.meta.url))));
export const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

export function compileHints(): Plugin {
  return {
    name: 'fedcheck:compile-hints',
    apply: 'build',
    applyToEnvironment: (environment) => environment.name === 'client',
    outputOptions(output) {
      const own = output.postBanner;
      output.postBanner = async (chunk) => {
        const other = typeof own === 'function' ? await own(chunk) : (own ?? '');
        return chunk.facadeModuleId && HINTED.has(chunk.facadeModuleId) ? [COMPILE_HINT, other].filter(Boolean).join('\n') : other;
      };
    },
  };
}
