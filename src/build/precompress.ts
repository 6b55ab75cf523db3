// Brotli and gzip copies of the built site's text files (page.html.br, page.html.gz), made
// once per build at the highest levels, which would cost too much per request. The server
// (src/server/static-site.ts) picks one by the request's Accept-Encoding, so compressed
// answers keep a true Content-Length and HEAD and Range requests agree with GET.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { AstroIntegration } from 'astro';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';
import { getMimeType } from 'hono/utils/mime';

const ENCODERS: Record<string, (data: Buffer) => Promise<Buffer>> = {
  '.br': (data) =>
    promisify(brotliCompress)(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    }),
  '.gz': (data) => promisify(gzip)(data, { level: constants.Z_BEST_COMPRESSION }),
};

/** Writes the compressed copies of every text file under `dir`; a copy no smaller than its file is left out. */
export async function precompressSite(dir: string): Promise<void> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile() && COMPRESSIBLE_CONTENT_TYPE_REGEX.test(getMimeType(entry.name) ?? ''));
  await Promise.all(
    files.map(async (entry) => {
      const file = path.join(entry.parentPath, entry.name);
      const data = await readFile(file);
      for (const [extension, encode] of Object.entries(ENCODERS)) {
        const compressed = await encode(data);
        if (compressed.length < data.length) await writeFile(file + extension, compressed);
      }
    }),
  );
}

/** Last in the config's list, so that it sees Pagefind's and the sitemap's files too. */
export function precompress(): AstroIntegration {
  return {
    name: 'fedcheck:precompress',
    hooks: {
      'astro:build:done': ({ dir }) => precompressSite(fileURLToPath(dir)),
    },
  };
}
