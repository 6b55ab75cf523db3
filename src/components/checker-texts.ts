// The island's texts for a page's language, at build time, passed to the island as a prop:
// its words, and in a language other than English every check's title and fix from the check
// modules' translations. No bundle carries any of them.
import { translationsOf } from '../checker/check-reference.ts';
import type { CheckerTexts } from './labels.ts';
import { ENGLISH } from './labels.en.ts';
import { GERMAN } from './labels.de.ts';

const UI_TEXTS: Record<string, Omit<CheckerTexts, 'checks'>> = { de: GERMAN };

export function checkerTexts(lang: string): CheckerTexts {
  if (lang === 'en') return ENGLISH;
  const ui = UI_TEXTS[lang];
  if (!ui) throw new Error(`the checker has no texts in language "${lang}"`);
  const checks = Object.fromEntries(Object.entries(translationsOf(lang)).map(([id, { title, fix }]) => [id, { title, fix }]));
  return { ...ui, checks };
}
