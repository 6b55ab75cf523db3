// ipaddr.js is for the Node side only (the proxy reads odd IPv4 spellings with it); in the
// browser it would cost about 4 KB gzip of the island. This walks the source import graph
// from everything the browser loads and fails if the package becomes reachable again.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const BROWSER_DIRECTORIES = ['src/components', 'src/adapters/browser', 'src/checker'];
const NODE_ONLY = 'ipaddr.js';

// Imports that end up in a bundle: static ones except `import type`/`export type`, and import().
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\bfrom\s*)?['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The packages reachable from `starts`, each with the source file that imports it. */
function packagesReachableFrom(starts: string[]): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const pending = [...starts];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const [, specifier] of [...code.matchAll(STATIC_IMPORT), ...code.matchAll(DYNAMIC_IMPORT)]) {
      if (!specifier.startsWith('.')) packages.set(specifier, relative(root, file));
      else if (['.ts', '.tsx'].includes(extname(specifier))) pending.push(join(dirname(file), specifier));
    }
  }
  return packages;
}

function sourcesIn(directory: string): string[] {
  return readdirSync(join(root, directory), { recursive: true, encoding: 'utf8' })
    .filter((file) => ['.ts', '.tsx'].includes(extname(file)))
    .map((file) => join(root, directory, file));
}

describe('browser imports', () => {
  it(`finds ${NODE_ONLY} where it is imported (the walk works)`, () => {
    const packages = packagesReachableFrom([join(root, 'src/adapters/node/http.ts')]);
    expect(packages.get(NODE_ONLY)).toBe('src/adapters/node/address-policy.ts');
  });

  it.each(BROWSER_DIRECTORIES)(`nothing in %s reaches ${NODE_ONLY}`, (directory) => {
    expect(packagesReachableFrom(sourcesIn(directory)).get(NODE_ONLY)).toBeUndefined();
  });
});
