// Marks the checker engine's chunk for eager compilation (V8's explicit compile hints, Chrome
// 136+: a first line `//# allFunctionsCalledOnLoad`). The island loads the engine when the
// page is idle or the field gets focus; a check then calls most of its functions for the first
// time, and V8 would compile each one lazily on the main thread, between an answer and the
// request that depends on it. Other engines read the line as a comment. The line goes on after
// minification (Rolldown's postBanner), which would drop it otherwise.
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const ENGINE = fileURLToPath(new URL('../adapters/browser/check.ts', import.meta.url));
export const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

export function engineCompileHint(): Plugin {
  return {
    name: 'fedcheck:engine-compile-hint',
    apply: 'build',
    applyToEnvironment: (environment) => environment.name === 'client',
    outputOptions(output) {
      const own = output.postBanner;
      output.postBanner = async (chunk) => {
        const other = typeof own === 'function' ? await own(chunk) : (own ?? '');
        return chunk.facadeModuleId === ENGINE ? [COMPILE_HINT, other].filter(Boolean).join('\n') : other;
      };
    },
  };
}
