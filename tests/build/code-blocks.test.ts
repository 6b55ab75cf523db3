// Code blocks in the built guides (dist/, built by the global setup): tokens in the block's own
// text colour carry no span of their own (src/plugins/code-colours.ts), while every other token
// keeps its colour and every line its text.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHtml, dist, filesUnder } from './build-helpers.ts';

const guides = filesUnder(dist, /^(de\/)?docs\/.+\/index\.html$/).map((file) => readFileSync(join(dist, file), 'utf8'));
const guide = readFileSync(join(dist, 'docs/federation-network/index.html'), 'utf8');

/** The code text colour of each theme, in Expressive Code's order (--0, --1). */
function textColours(): string[] {
  const stylesheet = guide.match(/href="(\/_astro\/ec\.[^"]+\.css)"/)![1];
  const css = readFileSync(join(dist, stylesheet), 'utf8');
  return [...new Set([...css.matchAll(/--ec-codeFg:(#[0-9a-f]+)/gi)].map(([, colour]) => colour.toLowerCase()))];
}

/** Text from HTML, numeric character references too (Astro writes ` as &#x60;). */
const text = (html: string) => decodeHtml(html.replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16))));

/** Each code block's lines as text, and the text its copy button copies. */
function blocks(html: string) {
  return [...html.matchAll(/<pre[^>]*><code>([\s\S]*?)<\/code><\/pre><div class="copy">[\s\S]*?data-code="([^"]*)"/g)].map(([, code, copied]) => ({
    // An empty line holds a line break, so that it keeps its height.
    lines: [...code.matchAll(/<div class="ec-line"[^>]*>([\s\S]*?)<\/div><\/div>/g)].map(([, line]) => text(line.replace(/<[^>]+>/g, '')).replace(/^\n$/, '')),
    copied: text(copied).split('\u007f'),
  }));
}

describe('code blocks in the guides', () => {
  it('drop the spans that only set the text colour, and keep the coloured tokens', () => {
    const colours = textColours();
    expect(colours).toHaveLength(2);
    const spans = guides.flatMap((html) => [...html.matchAll(/<span style="(--0:[^"]*)">/g)].map(([, style]) => style.toLowerCase()));
    expect(spans.filter((style) => style === `--0:${colours[0]};--1:${colours[1]}`)).toEqual([]);
    expect(spans.length).toBeGreaterThan(100);
  });

  // The copy button copies the lines as written, without the comment lines of a terminal frame.
  it('keep the text of every line the copy button copies, in its order', () => {
    const all = guides.flatMap(blocks);
    expect(all.length).toBeGreaterThan(guides.length);
    for (const { lines, copied } of all) {
      let shown = 0;
      for (const line of copied) {
        while (shown < lines.length && lines[shown] !== line) shown++;
        expect(shown, `"${line}" is not shown in its block`).toBeLessThan(lines.length);
        shown++;
      }
    }
  });
});
