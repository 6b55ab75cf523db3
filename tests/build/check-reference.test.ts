// The check reference is generated from the registry: every check has its entry, and
// every docs URL a finding carries lands on an anchor that exists.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { CHECK_METAS, CHECK_REFERENCE, CHECK_TRANSLATIONS, checkReference } from '../../src/checker/check-reference.ts';
import { decodeHtml, dist, readBuilt } from './build-helpers.ts';

const page = readBuilt(join(dist, 'docs', 'checks', 'index.html'));
const ids = new Set([...page.matchAll(/\bid="([^"]+)"/g)].map(([, id]) => id));

describe('check reference', () => {
  it('has one entry per registered check, with its title, description and fix', () => {
    expect(CHECK_METAS.length).toBeGreaterThan(20);
    expect(CHECK_REFERENCE.map((entry) => entry.id)).toEqual(CHECK_METAS.map((meta) => meta.id));
    for (const entry of CHECK_REFERENCE) {
      expect(ids.has(entry.id), entry.id).toBe(true);
      const html = page.slice(page.indexOf(`id="${entry.id}"`)).split('</article>')[0];
      expect(html, entry.id).toMatch(new RegExp(`<code[^>]*>${entry.id.replace(/\./g, '\\.')}</code>`));
      for (const text of [entry.title, entry.description, entry.fix]) expect(decodeHtml(html), entry.id).toContain(text);
      expect(entry.fix.length, entry.id).toBeGreaterThan(10);
    }
  });

  it('resolves every docs URL in the registry', () => {
    for (const meta of CHECK_METAS) {
      const url = new URL(meta.docs, 'https://fedcheck.test');
      expect(url.pathname).toBe('/docs/checks/');
      expect(ids.has(decodeURIComponent(url.hash.slice(1))), meta.docs).toBe(true);
    }
  });

  it('resolves every guide link in the fix texts ("Guide: /docs/…/#anchor")', () => {
    const links = CHECK_REFERENCE.flatMap((entry) => [...entry.fix.matchAll(/Guide: (\/docs\/[\w-]+\/)#([\w-]+)/g)].map(([, path, anchor]) => ({ id: entry.id, path, anchor })));
    expect(links.map((link) => link.id)).toEqual(expect.arrayContaining(['rtc.calls', 'rtc.transports', 'rtc.foci', 'rtc.authorization-service', 'rtc.features']));
    for (const { id, path, anchor } of links) {
      const guide = readBuilt(join(dist, path, 'index.html'));
      expect(guide.includes(`id="${anchor}"`), `${id}: ${path}#${anchor}`).toBe(true);
    }
  });

  it('keeps check ids unique and stable in form', () => {
    const all = CHECK_METAS.map((meta) => meta.id);
    expect(new Set(all).size).toBe(all.length);
    for (const id of all) expect(id).toMatch(/^[a-z0-9]+(?:[.-][a-z0-9]+)+$/);
  });

  for (const lang of Object.keys(CHECK_TRANSLATIONS)) {
    it(`has the ${lang} reference at /${lang}/docs/checks/, every entry in ${lang}, with the anchors findings link to`, () => {
      const translated = readBuilt(join(dist, lang, 'docs', 'checks', 'index.html'));
      expect(translated).toMatch(new RegExp(`<html[^>]* lang="${lang}"`));
      for (const entry of checkReference(lang)) {
        const html = decodeHtml(translated.slice(translated.indexOf(`id="${entry.id}"`)).split('</article>')[0]);
        for (const text of [entry.title, entry.description, entry.fix]) expect(html, entry.id).toContain(text);
        const url = new URL(entry.docs, 'https://fedcheck.test');
        expect(url.pathname).toBe(`/${lang}/docs/checks/`);
      }
    });
  }
});
