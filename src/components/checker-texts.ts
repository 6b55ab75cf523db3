// The island's texts for a page's language, at build time, passed to the island as a prop:
// its words, and in a language other than English every check's title and fix from the check
// modules' translations, with the hash of the English fix they replace. No bundle carries any.
import { CHECK_METAS, translationsOf } from '../checker/check-reference.ts';
import { fixHash, type CheckerTexts } from './labels.ts';
import { ENGLISH } from './labels.en.ts';
import { GERMAN } from './labels.de.ts';

const UI_TEXTS: Record<string, Omit<CheckerTexts, 'checks'>> = { de: GERMAN };

export function checkerTexts(lang: string): CheckerTexts {
  if (lang === 'en') return ENGLISH;
  const ui = UI_TEXTS[lang];
  if (!ui) throw new Error(`the checker has no texts in language "${lang}"`);
  const translations = translationsOf(lang);
  const checks = Object.fromEntries(
    CHECK_METAS.map((meta) => {
      const text = translations[meta.id];
      if (!text) throw new Error(`check ${meta.id} has no ${lang} texts`);
      return [meta.id, { title: text.title, fix: text.fix, defaultFixHash: fixHash(meta.fix) }];
    }),
  );
  return { ...ui, checks };
}
