// The check reference page's entries: each check's metadata with its description, in English
// or in another language. Only the docs build reads descriptions and translations, so the
// browser bundle leaves them out, and the fixes of the checks the page cannot run.
import type { CheckMeta, CheckTranslations } from './evidence.ts';
import { CHECK_HEADS, REPORT_CHECKS } from './registry.ts';
import { CONNECTION_CHECKS, PINNED_CHECKS } from './probing.ts';
import { OUTGOING_CHECKS } from './outgoing.ts';
import { descriptions as name, de as nameDe } from './checks/name.ts';
import { descriptions as wellKnownServer, de as wellKnownServerDe } from './checks/well-known-server.ts';
import { descriptions as dns, de as dnsDe } from './checks/dns.ts';
import { descriptions as browser, de as browserDe } from './checks/browser.ts';
import { descriptions as connection, de as connectionDe } from './checks/connection.ts';
import { descriptions as federation, de as federationDe } from './checks/federation.ts';
import { descriptions as keys, de as keysDe } from './checks/keys.ts';
import { descriptions as client, de as clientDe } from './checks/client.ts';
import { descriptions as support, de as supportDe } from './checks/support.ts';
import { descriptions as auth, de as authDe } from './checks/auth.ts';
import { descriptions as rtc, de as rtcDe } from './checks/rtc.ts';
import { descriptions as outgoing, de as outgoingDe } from './checks/outgoing.ts';

const FULL_METAS = new Map(
  [...REPORT_CHECKS, ...PINNED_CHECKS, ...OUTGOING_CHECKS, ...CONNECTION_CHECKS].map((check) => [check.meta.id, check.meta]),
);

/** Every check's metadata with its fix, in the registry's order. */
export const CHECK_METAS: readonly CheckMeta[] = CHECK_HEADS.map((head) => {
  const meta = FULL_METAS.get(head.id);
  if (meta === undefined) throw new Error(`check ${head.id} has no logic`);
  return meta;
});

const DESCRIPTIONS: Record<string, string> = { ...name, ...wellKnownServer, ...dns, ...browser, ...connection, ...federation, ...keys, ...outgoing, ...client, ...auth, ...rtc, ...support };

/** Every check's texts by language; a site language is a key here and a Starlight locale. */
export const CHECK_TRANSLATIONS: Record<'de', CheckTranslations> = {
  de: { ...nameDe, ...wellKnownServerDe, ...dnsDe, ...browserDe, ...connectionDe, ...federationDe, ...keysDe, ...outgoingDe, ...clientDe, ...authDe, ...rtcDe, ...supportDe },
};
export type TranslatedLang = keyof typeof CHECK_TRANSLATIONS;

export interface CheckReferenceEntry extends CheckMeta {
  description: string;
}

export const CHECK_REFERENCE: readonly CheckReferenceEntry[] = CHECK_METAS.map((meta) => {
  const description = DESCRIPTIONS[meta.id];
  if (description === undefined) throw new Error(`check ${meta.id} has no description`);
  return { ...meta, description };
});

/** The reference in a language: translated title, description and fix, docs links under /<lang>/. */
export function checkReference(lang: string): readonly CheckReferenceEntry[] {
  if (lang === 'en') return CHECK_REFERENCE;
  const translations = translationsOf(lang);
  return CHECK_REFERENCE.map((entry) => {
    const text = translations[entry.id];
    if (!text) throw new Error(`check ${entry.id} has no ${lang} texts (export them as \`${lang}\` beside the English)`);
    return { ...entry, ...text, docs: `/${lang}${entry.docs}` };
  });
}

export function translationsOf(lang: string): CheckTranslations {
  if (!(lang in CHECK_TRANSLATIONS)) throw new Error(`no check texts in language "${lang}"`);
  return CHECK_TRANSLATIONS[lang as TranslatedLang];
}
