// Every check ships its German texts beside the English: a check without them, with an empty
// one or with the English copied over fails here, and so does a translation of no check.
import { describe, it, expect } from 'vitest';
import { CHECK_METAS, CHECK_REFERENCE, CHECK_TRANSLATIONS, checkReference } from '../../../src/checker/check-reference.ts';
import { GERMAN } from '../../../src/components/labels.de.ts';

// The German site says "du", as Starlight's German UI does; a text that says "Sie" reads as
// written by someone else. The formal pronouns are the capitalised ones. Lower-case "sie",
// "ihr", "ihre" … are third person ("sie antworten", "ihre TTL") and always allowed. A
// capitalised form in mid-sentence can only be the formal address. At the start of a sentence
// (after . ! ? or :) "Sie funktioniert" (it) and "Sie können" (you can) look alike, so the rule
// refuses capitalised forms there too: a German text that refers back to something at a
// sentence start names it ("Die Datei …", "Diese Seite …") and stays unambiguous.
const FORMAL_ADDRESS = /(?<![\p{L}\p{N}_-])(?:Sie|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres|Ihnen)(?![\p{L}\p{N}_-])/gu;

/** Each formal pronoun in a text, with the words around it, and whether it starts a sentence. */
function formalAddresses(text: string): string[] {
  return [...text.matchAll(FORMAL_ADDRESS)].map((match) => {
    const before = text.slice(0, match.index);
    const place = /(?:^|[.!?:]\s+)["„(]?$/u.test(before) ? 'sentence start' : 'mid-sentence';
    return `${place}: …${text.slice(Math.max(0, match.index - 20), match.index + match[0].length + 20)}…`;
  });
}

/** Every string in a nested object of texts, with the path of keys that leads to it. */
function stringsOf(value: unknown, path: string): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => stringsOf(inner, `${path}.${key}`));
  }
  return [];
}

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

  it('finds the formal address mid-sentence and at a sentence start, never third-person "sie"/"ihr"', () => {
    expect(formalAddresses('Aktualisieren Sie den Homeserver.')).toEqual(['mid-sentence: …Aktualisieren Sie den Homeserver.…']);
    expect(formalAddresses('die Funktionen, die Ihre Clients brauchen')).toHaveLength(1);
    expect(formalAddresses('für Ihr Konto, mit Ihnen, bei Ihrem Server')).toHaveLength(3);
    expect(formalAddresses('Es funktioniert. Sie können es prüfen.')[0]).toMatch(/^sentence start: /);
    expect(formalAddresses('Ergebnis: Ihre Ausgabe')[0]).toMatch(/^sentence start: /);
    expect(formalAddresses('Sie')).toEqual(['sentence start: …Sie…']);
    // Third person in lower case, and words that merely contain the letters.
    expect(formalAddresses('Prüfe, ob sie antworten (ihre TTL); ihr Inhalt bleibt. Siehe Sieb, Ihringen, die Sie-Form')).toEqual([]);
  });

  it('keeps every German check text and island text in the informal "du" form', () => {
    const texts = [
      ...stringsOf(CHECK_TRANSLATIONS.de, 'checks'),
      ...stringsOf(GERMAN, 'island'),
    ];
    expect(texts.length).toBeGreaterThan(CHECK_REFERENCE.length * 3);
    const formal = texts.flatMap(([path, text]) => formalAddresses(text).map((found) => `${path}: ${found}`));
    expect(formal).toEqual([]);
  });

  it('refuses a language without texts, with a clear message', () => {
    expect(() => checkReference('fr')).toThrow('no check texts in language "fr"');
  });
});
