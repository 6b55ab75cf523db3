// Builds the real site into dist/ once for the build checks and the browser tests.
import { buildSite } from '../../src/build/astro-build.ts';
import { PassThrough } from 'node:stream';

export default async function setup() {
  const log = new PassThrough();
  const lines: string[] = [];
  log.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
  try {
    await buildSite({ log });
  } catch (error) {
    process.stderr.write(lines.join(''));
    throw error;
  }
}
