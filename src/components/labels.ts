// What the island needs to show words: their shape (CheckerTexts), the context components
// read them from, and how sentences are filled. The words themselves come from the page,
// as the island's props (checker-texts.ts builds them for the page's language), so that no
// bundle carries any language: English in labels.en.ts, German in labels.de.ts.
import { createContext, useContext } from 'solid-js';
import type { CheckStatus, ResolutionStep, Verdict } from '../checker/report.ts';
import type { AreaGroup } from '../checker/area-groups.ts';
import type { ENGLISH } from './labels.en.ts';

export interface CheckerTexts {
  /** The page's language, for dates. */
  lang: string;
  /** Where this language's pages live ('' for English, '/de' for German): docs links get it. */
  pathPrefix: string;
  verdict: Record<Verdict, string>;
  status: Record<CheckStatus, string>;
  step: Record<ResolutionStep, string>;
  /** The summary's lines: Federation, Sign-in, Calls, … */
  areaGroup: Record<AreaGroup, string>;
  /** Areas in the order a connection is made; names as the docs use them. */
  area: Record<string, string>;
  /** The island's sentences; `{name}` marks where a value goes (see fill). */
  ui: Record<UiKey, string>;
  /**
   * Where this language's check titles and fixes are (checker-texts.ts): a file of the site
   * the island reads with its engine. English has none: a report's own texts are English.
   */
  checkTextsUrl?: string;
  /** The check titles and fixes from `checkTextsUrl` once the island has read them. */
  checks?: CheckTexts;
}

/**
 * Checks' titles and fixes in a language, by id; without them the report's own (English).
 * `defaultFixHash`: the fixHash of the English fix a report carries when the check wrote
 * none for the finding, which is the one shown translated (the page's engine does not carry
 * every check's English fix: those of the checks only a proxy runs come with their logic).
 */
export type CheckTexts = Record<string, { title: string; fix: string; defaultFixHash: string }>;

export type UiKey = keyof typeof ENGLISH.ui;

/** Most severe first: the order findings are listed in (not-tested ones go on one line). */
export const STATUS_ORDER: CheckStatus[] = ['fail', 'warn', 'info', 'pass'];

export const TextsContext = createContext<CheckerTexts>();

export function useTexts(): CheckerTexts {
  const texts = useContext(TextsContext);
  if (!texts) throw new Error('useTexts() outside a TextsContext.Provider');
  return texts;
}

/** A sentence split at its `{name}` places, each filled with its value (text or an element). */
export function fillParts<T>(template: string, values: Record<string, T>): (string | T)[] {
  return template.split(/\{(\w+)\}/).map((part, index) => (index % 2 === 1 && part in values ? values[part] : part));
}

/** A sentence with its `{name}` places filled in with text. */
export function fill(template: string, values: Record<string, string | number>): string {
  return fillParts(template, values).join('');
}

/** A finding's title and fix in the page's language: a fix written for this one finding stays as the report has it. */
export function findingText(texts: CheckerTexts, finding: { id: string; title: string; fix?: string }) {
  const translated = texts.checks?.[finding.id];
  if (!translated) return { title: finding.title, fix: finding.fix };
  return { title: translated.title, fix: finding.fix !== undefined && fixHash(finding.fix) === translated.defaultFixHash ? translated.fix : finding.fix };
}

/** 32-bit FNV-1a of a fix text: tells a check's default fix from one written for a finding (a
 * collision, a one-in-four-billion chance per fix, would show the translated default instead). */
export function fixHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return (hash >>> 0).toString(36);
}

/** Our own docs links in the page's language. */
export function localDocs(texts: CheckerTexts, href: string): string {
  return href.startsWith('/docs/') ? `${texts.pathPrefix}${href}` : href;
}
