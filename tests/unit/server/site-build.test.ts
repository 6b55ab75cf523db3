import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { staleSiteReason } from '../../../src/server/site-build.ts';

let root: string;
const write = (name: string, ageSeconds: number) => {
  const file = path.join(root, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, name);
  const time = Date.now() / 1000 - ageSeconds;
  utimesSync(file, time, time);
};

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'fedcheck-stale-'));
  for (const name of ['content/docs/index.mdx', 'src/components/Checker.tsx', 'src/checker/check.ts', 'public/favicon.svg', 'astro.config.mjs']) write(name, 100);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('when npm start rebuilds the site', () => {
  it('builds when dist/ is missing', () => {
    expect(staleSiteReason(root)).toBe('dist/ has not been built yet');
  });

  it('serves dist/ as it is when it is newer than every site source', () => {
    write('dist/index.html', 10);
    expect(staleSiteReason(root)).toBeNull();
  });

  it.each(['content/docs/guide.md', 'src/checker/check.ts', 'src/components/Island.tsx', 'public/robots.txt', 'astro.config.mjs'])(
    'rebuilds when %s changed after the build',
    (name) => {
      write('dist/index.html', 10);
      write(name, 1);
      expect(staleSiteReason(root)).toBe(`${name} changed after the last build`);
    },
  );

  it.each(['src/server/app.ts', 'src/cli/main.ts', 'src/adapters/node/http.ts'])('does not rebuild for server-only code: %s', (name) => {
    write('dist/index.html', 10);
    write(name, 1);
    expect(staleSiteReason(root)).toBeNull();
  });
});
