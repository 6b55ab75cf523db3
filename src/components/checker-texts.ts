// The island's texts for a page's language, at build time: English is the island's own
// default; another language comes with its UI words and every check's title and fix from
// the check modules' translations, passed to the island as a prop.
import { translationsOf } from '../checker/check-reference.ts';
import type { CheckerTexts } from './labels.ts';
import { GERMAN } from './labels.de.ts';

const UI_TEXTS: Record<string, Omit<CheckerTexts, 'checks'>> = { de: GERMAN };

export function checkerTexts(lang: string): CheckerTexts | undefined {
  if (lang === 'en') return undefined;
  const ui = UI_TEXTS[lang];
  if (!ui) throw new Error(`the checker has no texts in language "${lang}"`);
  const checks = Object.fromEntries(Object.entries(translationsOf(lang)).map(([id, { title, fix }]) => [id, { title, fix }]));
  return { ...ui, checks };
}
