// Every page in every language: each English page under content/docs has its twin under
// content/docs/<lang>/ with the same headings and the same code (code is never translated),
// its paragraphs in its own language (franc-min, a trigram language detector that runs
// offline, asked to choose between that language and English), and links that stay in the
// language and land on pages and anchors that exist. Built pages carry lang and hreflang.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { franc } from 'franc-min';
import { CHECK_TRANSLATIONS } from '../../src/checker/check-reference.ts';
import { contentDir, contentFiles, proseLinks, readContentPage, type Page } from './docs-markdown.ts';
import { dist, root } from './build-helpers.ts';

/** The site's languages besides English; each is a Starlight locale with its folder. */
const LANGUAGES = Object.keys(CHECK_TRANSLATIONS);
/** ISO 639-3, as franc names them. */
const FRANC_CODE: Record<string, string> = { en: 'eng', de: 'deu' };

const files = contentFiles();
const isTranslation = (file: string) => LANGUAGES.some((lang) => file.startsWith(`${lang}/`));
const english = files.filter((file) => !isTranslation(file));

/**
 * The prose of a page as paragraphs of plain text: no code, no HTML comments (the sources
 * of claims), no MDX imports or tags, no link targets or Markdown marks; table rows each alone.
 */
function paragraphs(page: Page): { text: string; line: number }[] {
  const found: { text: string; line: number }[] = [];
  const withoutComments = page.prose.replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, ''));
  let current: { lines: string[]; line: number } | null = null;
  const flush = () => {
    if (current) found.push({ text: current.lines.join(' '), line: current.line });
    current = null;
  };
  withoutComments.split('\n').forEach((raw, index) => {
    const text = raw
      .replace(/^import .* from .*$/, '')
      .replace(/^:::\w*(\[[^\]]*\])?/, (marker) => (marker.match(/\[([^\]]*)\]/)?.[1] ?? ''))
      .replace(/<[^>]+>/g, ' ')
      .replace(/``[^`]*``|`[^`]*`/g, ' ')
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/https?:\/\/\S+/g, ' ')
      .replace(/^\s*(#{1,6}|[-*+]|\d+\.|>)\s+/, '')
      .replace(/[*_]{1,2}/g, '')
      .trim();
    if (raw.trim().startsWith('|')) {
      flush();
      if (!/^[|\s:-]+$/.test(raw)) for (const cell of text.split('|')) found.push({ text: cell.trim(), line: index + 1 });
      return;
    }
    if (text === '' || /^[-\s|:]+$/.test(text)) return flush();
    current ??= { lines: [], line: index + 1 };
    current.lines.push(text);
  });
  flush();
  return found;
}

/** Long enough for a trigram detector to tell two languages apart reliably. */
const judged = (text: string) => text.split(/\s+/).filter((word) => /\p{L}{2,}/u.test(word)).length >= 10;

function twinOf(file: string, lang: string): string {
  return `${lang}/${file}`;
}

/** A file the site serves as it is from public/ (a config example, say): the same in every language. */
const isPublicFile = (path: string) => statSync(join(root, 'public', path), { throwIfNoEntry: false })?.isFile() === true;

/** The site path of a page's twin in `lang` ('' for English). */
const localized = (url: string, lang: string) => (lang ? `/${lang}${url}` : url);

describe.each(LANGUAGES)('pages in %s', (lang) => {
  const translated = files.filter((file) => file.startsWith(`${lang}/`));

  it('exist for every English page, and only for those', () => {
    expect(english.length).toBeGreaterThan(5);
    expect(english.filter((file) => !existsSync(join(contentDir, twinOf(file, lang)))), `English pages without a ${lang} page`).toEqual([]);
    expect(translated.filter((file) => !english.includes(file.slice(lang.length + 1))), `${lang} pages without an English page`).toEqual([]);
  });

  const pairs = english.filter((file) => existsSync(join(contentDir, twinOf(file, lang)))).map((file) => [file, readContentPage(file), readContentPage(twinOf(file, lang))] as const);

  it('have the heading structure of their English page', () => {
    for (const [file, source, twin] of pairs) {
      expect(twin.headings.map((heading) => heading.depth), `${twinOf(file, lang)} headings`).toEqual(source.headings.map((heading) => heading.depth));
    }
  });

  it('have the code blocks of their English page, unchanged', () => {
    for (const [file, source, twin] of pairs) {
      const blocks = (page: Page) => page.blocks.map(({ lang: language, meta, code }) => ({ language, meta, code }));
      expect(blocks(twin), `${twinOf(file, lang)} code blocks`).toEqual(blocks(source));
    }
  });

  it('keep the frontmatter that is not text: template, order, edit and search settings', () => {
    for (const [file, source, twin] of pairs) {
      const { title: _title, description: _description, hero: _hero, ...rest } = source.frontmatter;
      const { title: _t, description: _d, hero: _h, ...twinRest } = twin.frontmatter;
      expect(twinRest, twinOf(file, lang)).toEqual(rest);
    }
  });

  it(`contain no paragraph in English: each is in ${lang}`, () => {
    const untranslated: string[] = [];
    for (const [file, , twin] of pairs) {
      const texts = [{ text: String(twin.frontmatter.description ?? ''), line: 1 }, ...paragraphs(twin)];
      for (const { text, line } of texts.filter((paragraph) => judged(paragraph.text))) {
        if (franc(text, { only: [FRANC_CODE[lang], 'eng'] }) === 'eng') untranslated.push(`${twinOf(file, lang)}:${line} ${text.slice(0, 80)}`);
      }
    }
    expect(untranslated).toEqual([]);
  });

  it('link to pages and anchors in the same language that exist', () => {
    const pages = new Map(translated.map((file) => readContentPage(file)).map((page) => [page.url, page]));
    const problems: string[] = [];
    for (const page of pages.values()) {
      const hero = (page.frontmatter.hero as { actions?: { link: string }[] } | undefined)?.actions ?? [];
      const links = [...hero.map((action) => ({ href: action.link, line: 1 })), ...proseLinks(page)];
      for (const { href, line } of links) {
        if (/^https:/.test(href)) continue;
        const where = `${page.where(line)} ${href}`;
        const [path, anchor] = href.split('#');
        if (path !== '' && !path.startsWith(`/${lang}/`)) {
          if (anchor === undefined && isPublicFile(path)) continue;
          problems.push(`${where}: not a ${lang} page`);
          continue;
        }
        const target = path === '' ? page : pages.get(path);
        if (!target) problems.push(`${where}: no such page`);
        else if (anchor !== undefined && !target.headings.some((heading) => heading.slug === anchor)) problems.push(`${where}: no such anchor`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('are built with their language, every heading anchor of their source, and hreflang links to every language', () => {
    for (const [file, source] of pairs) {
      if (source.frontmatter.template === 'splash' && source.url === '/404/') continue;
      const html = readFileSync(join(dist, localized(source.url, lang), 'index.html'), 'utf8');
      expect(html, file).toMatch(new RegExp(`<html[^>]* lang="${lang}"`));
      const alternates = Object.fromEntries([...html.matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"/g)].map((match) => [match[1], new URL(match[2]).pathname]));
      expect(alternates, file).toEqual({ en: source.url, [lang]: localized(source.url, lang), 'x-default': source.url });
      const ids = new Set([...html.matchAll(/<h[1-6][^>]*\bid="([^"]+)"/g)].map((match) => match[1]));
      const twin = readContentPage(twinOf(file, lang));
      expect(twin.headings.map((heading) => heading.slug).filter((slug) => !ids.has(slug)), `${file} anchors`).toEqual([]);
      const englishHtml = readFileSync(join(dist, source.url, 'index.html'), 'utf8');
      expect(englishHtml, file).toMatch(/<html[^>]* lang="en"/);
      expect(englishHtml, file).toContain(`hreflang="${lang}" href="`);
    }
  });
});

describe('the paragraph language check', () => {
  it('finds every paragraph of the English pages English', () => {
    const misjudged = english.flatMap((file) => {
      const page = readContentPage(file);
      return paragraphs(page)
        .filter(({ text }) => judged(text) && franc(text, { only: LANGUAGES.map((lang) => FRANC_CODE[lang]).concat('eng') }) !== 'eng')
        .map(({ text, line }) => `${page.where(line)} ${text.slice(0, 80)}`);
    });
    expect(misjudged).toEqual([]);
  });

  it('tells an English paragraph from a German one', () => {
    const detect = (text: string) => franc(text, { only: ['deu', 'eng'] });
    expect(detect('Other homeservers find yours through DNS and HTTPS, then open a TLS connection and check the certificate.')).toBe('eng');
    expect(detect('Andere Homeserver finden deinen über DNS und HTTPS, öffnen dann eine TLS-Verbindung und prüfen das Zertifikat.')).toBe('deu');
  });
});
