// Whether dist/ must be rebuilt before serving: it is missing, or older than a source the
// site is built from. Server-only code (src/server, src/cli, src/adapters/node) is run
// directly by Node and needs no build.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const siteSources = ['content', 'src', 'public', 'astro.config.mjs'];
const serverOnly = ['src/server', 'src/cli', 'src/adapters/node'];

/** Why the site needs a build, or null when dist/ is up to date. */
export function staleSiteReason(root: string): string | null {
  const built = mtime(path.join(root, 'dist', 'index.html'));
  if (built === null) return 'dist/ has not been built yet';
  const skip = new Set(serverOnly.map((dir) => path.join(root, dir)));
  for (const source of siteSources) {
    const newer = newerThan(path.join(root, source), built, skip);
    if (newer) return `${path.relative(root, newer)} changed after the last build`;
  }
  return null;
}

function newerThan(entry: string, time: number, skip: Set<string>): string | null {
  if (skip.has(entry)) return null;
  let stats;
  try {
    stats = statSync(entry);
  } catch {
    return null;
  }
  if (!stats.isDirectory()) return stats.mtimeMs > time ? entry : null;
  for (const child of readdirSync(entry)) {
    const newer = newerThan(path.join(entry, child), time, skip);
    if (newer) return newer;
  }
  return null;
}

function mtime(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}
