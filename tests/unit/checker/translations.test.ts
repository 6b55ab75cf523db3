// Every check ships its German texts beside the English: a check without them, with an empty
// one or with the English copied over fails here, and so does a translation of no check.
import { describe, it, expect } from 'vitest';
import { CHECK_METAS } from '../../../src/checker/registry.ts';
import { CHECK_REFERENCE, CHECK_TRANSLATIONS, checkReference } from '../../../src/checker/check-reference.ts';

describe('check translations', () => {
  for (const [lang, translations] of Object.entries(CHECK_TRANSLATIONS)) {
    it(`gives every registered check a ${lang} title, description and fix, each its own text`, () => {
      for (const english of CHECK_REFERENCE) {
        const text = translations[english.id];
        expect(text, `${english.id} has no ${lang} texts`).toBeDefined();
        for (const field of ['title', 'description', 'fix'] as const) {
          expect(text[field].trim().length, `${english.id} ${field}`).toBeGreaterThan(0);
          expect(text[field], `${english.id} ${field} is the English text`).not.toBe(english[field]);
        }
      }
    });

    it(`translates only checks that exist (${lang})`, () => {
      const ids = new Set(CHECK_METAS.map((meta) => meta.id));
      expect(Object.keys(translations).filter((id) => !ids.has(id))).toEqual([]);
    });

    it(`builds the ${lang} reference with links to the ${lang} check reference`, () => {
      const reference = checkReference(lang);
      expect(reference.map((entry) => entry.id)).toEqual(CHECK_METAS.map((meta) => meta.id));
      for (const entry of reference) expect(entry.docs).toBe(`/${lang}/docs/checks/#${entry.id}`);
    });
  }

  it('refuses a language without texts, with a clear message', () => {
    expect(() => checkReference('fr')).toThrow('no check texts in language "fr"');
  });
});
