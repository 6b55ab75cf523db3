import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFixture, readBuilt } from './build-helpers.ts';

const asides = (html: string) =>
  [...html.matchAll(/<aside aria-label="([^"]*)" class="starlight-aside starlight-aside--(\w+)">([\s\S]*?)<\/aside>/g)].map(
    ([, label, variant, inner]) => ({ label, variant, inner }),
  );

describe('callouts', () => {
  const out = mkdtempSync(join(tmpdir(), 'fedcheck-callouts-'));
  let markdown: ReturnType<typeof asides>;
  let mdx: ReturnType<typeof asides>;

  beforeAll(async () => {
    const result = await buildFixture('./tests/fixtures/callouts', out);
    expect(result.ok, result.log).toBe(true);
    markdown = asides(readBuilt(join(out, 'index.html')));
    mdx = asides(readBuilt(join(out, 'mdx-page', 'index.html')));
    return () => rmSync(out, { recursive: true, force: true });
  }, 120_000);

  it('renders :::inset and :::warning as titled asides in .md', () => {
    expect(markdown.slice(0, 4).map(({ label, variant }) => [variant, label])).toEqual([
      ['inset', 'In practice'],
      ['inset', 'Inset custom title'],
      ['warning', 'Warning'],
      ['warning', 'Warning custom title'],
    ]);
    expect(markdown[0].inner).toContain('Inset body in Markdown.');
    expect(markdown[0].inner).toContain('class="starlight-aside__title"');
    expect(markdown[0].inner).toContain('<svg');
    expect(markdown[3].inner).toContain('<code');
    expect(markdown[3].inner).toContain('Titled warning body');
    // The custom title is the title, not part of the body.
    expect(markdown[3].inner.split('starlight-aside__content')[1]).not.toContain('Warning custom title');
  });

  it('keeps Starlight note/tip/caution/danger working', () => {
    expect(markdown.slice(4).map(({ variant }) => variant)).toEqual(['note', 'tip', 'caution', 'danger']);
    expect(markdown[4].inner).toContain('Starlight note body.');
  });

  it('renders the same callouts in .mdx', () => {
    expect(mdx.map(({ variant, label }) => [variant, label])).toEqual([
      ['inset', 'In practice'],
      ['inset', 'MDX inset title'],
      ['warning', 'Warning'],
      ['warning', 'MDX warning title'],
      ['note', 'Note'],
    ]);
    expect(mdx[1].inner).toContain('Titled inset body in MDX.');
  });

  it('leaves host:port text alone', () => {
    expect(readBuilt(join(out, 'index.html'))).toContain('matrix.example.org:8448, and a time of 10:30 stay text.');
  });

  it.each([
    ['.md', './tests/fixtures/callout-typo', 'index.md:8:1', ':::warnign'],
    ['.mdx', './tests/fixtures/callout-typo-mdx', 'index.mdx:10:1', ':::insert'],
  ])('fails the build on a misspelt callout in %s, naming file and line', async (_kind, dir, where, typo) => {
    const typoOut = mkdtempSync(join(tmpdir(), 'fedcheck-typo-'));
    try {
      const result = await buildFixture(dir, typoOut);
      expect(result.ok).toBe(false);
      expect(result.log).toContain(where);
      expect(result.log).toContain(`unknown callout "${typo}"`);
    } finally {
      rmSync(typoOut, { recursive: true, force: true });
    }
  }, 120_000);
});
