// The island's texts for a page's language, at build time: its words, passed to the island as
// a prop, and in a language other than English every check's title and fix from the check
// modules' translations, with the hash of the English fix they replace, as a file of the site
// (src/pages/[lang]/check-texts.[version].json.ts) that the island reads with its engine: only a report
// shows them, and in the page they were most of its HTML. No bundle carries any.
import { CHECK_METAS, translationsOf } from '../checker/check-reference.ts';
import { fixHash, type CheckerTexts, type CheckTexts } from './labels.ts';
import { ENGLISH } from './labels.en.ts';
import { GERMAN } from './labels.de.ts';

const UI_TEXTS: Record<string, Omit<CheckerTexts, 'checks' | 'checkTextsUrl'>> = { de: GERMAN };

export function checkerTexts(lang: string): CheckerTexts {
  if (lang === 'en') return ENGLISH;
  const ui = UI_TEXTS[lang];
  if (!ui) throw new Error(`the checker has no texts in language "${lang}"`);
  return { ...ui, checkTextsUrl: checkTextsPath(lang) };
}

/** Where the site serves a language's check texts: a new name whenever they change. */
export function checkTextsPath(lang: string): string {
  return `/${lang}/check-texts.${checkTextsVersion(lang)}.json`;
}

/** A hash of a language's check texts. */
export function checkTextsVersion(lang: string): string {
  return fixHash(JSON.stringify(checkTexts(lang)));
}

/** Every check's title and fix in a language other than English. */
export function checkTexts(lang: string): CheckTexts {
  const translations = translationsOf(lang);
  return Object.fromEntries(
    CHECK_METAS.map((meta) => {
      const text = translations[meta.id];
      if (!text) throw new Error(`check ${meta.id} has no ${lang} texts`);
      return [meta.id, { title: text.title, fix: text.fix, defaultFixHash: fixHash(meta.fix) }];
    }),
  );
}
