// Build: a clean `astro build` (buildSite(): --force, a new empty output directory), timed.
// The other figures measure and serve this build, never dist/, which other runs in the same
// checkout rebuild under a loaded page.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { buildSite } from '../../src/build/astro-build.ts';
import { figure, type Figure } from './figure.ts';

export interface BuiltSite {
  dir: string;
  figures: Figure[];
  stop(): Promise<void>;
}

export async function buildFreshSite(): Promise<BuiltSite> {
  const dir = await mkdtemp(join(tmpdir(), 'fedcheck-bench-site-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  // Astro's log is only worth reading when the build fails.
  const log = new PassThrough();
  const lines: string[] = [];
  log.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
  const started = performance.now();
  try {
    await buildSite({ outDir: dir, log });
  } catch (error) {
    await remove();
    throw new Error(`${(error as Error).message}\n${lines.join('').slice(-4000)}`);
  }
  return { dir, figures: [figure('build.wall', (performance.now() - started) / 1000, 's')], stop: remove };
}
