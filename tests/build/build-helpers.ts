import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { buildSite } from '../../src/build/astro-build.ts';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const dist = join(root, 'dist');

export function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => pattern.test(file) && statSync(join(dir, file)).isFile())
    .map((file) => file.split('\\').join('/'));
}

/** The built HTML file for a docs source file (content/docs/a/b.md → dist/a/b/index.html). */
export function builtPageFor(sourceRelative: string, outDir = dist): string {
  const slug = sourceRelative.replace(/\.(md|mdx)$/, '').replace(/(^|\/)index$/, '');
  if (slug === '404') return join(outDir, '404.html');
  return join(outDir, slug, 'index.html');
}

export function readBuilt(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Builds a fixture docs folder through the real pipeline; returns the log and the error, if any. */
export async function buildFixture(contentDir: string, outDir: string) {
  const log = new PassThrough();
  let text = '';
  log.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  try {
    await buildSite({ contentDir, outDir, log });
    return { ok: true as const, log: text };
  } catch (error) {
    return { ok: false as const, log: text, error: error as Error };
  }
}

export const relativeToRoot = (path: string) => relative(root, path);

/** Text from HTML that Astro escaped. */
export const decodeHtml = (html: string) =>
  html.replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
