// The checker's settings: DoH resolvers, a proxy URL and whether private addresses are
// expected, saved in localStorage. `?resolver=` (repeatable), `?proxy=` and `?private=1` in
// the page URL override them for that page.
import type { ProxyStatus } from '../adapters/browser/proxy.ts';
import { DEFAULT_RESOLVERS, parseResolver, type DohResolver } from '../adapters/browser/resolvers.ts';
import type { CheckerTexts } from './labels.ts';

export interface Settings {
  resolvers: DohResolver[];
  /** Empty: look for a proxy at the page's own origin. */
  proxyUrl: string;
  /**
   * LAN or test rig: private addresses are not flagged. Undefined until the user (or
   * `?private=`) says: then the page follows the proxy's FEDCHECK_ALLOW_PRIVATE.
   */
  allowPrivate?: boolean;
}

const SETTINGS_KEY = 'fedcheck.settings';

export const defaultSettings = (): Settings => ({ resolvers: [...DEFAULT_RESOLVERS], proxyUrl: '' });

export function loadSettings(storage: Storage | null): Settings {
  const saved = readJson(storage, SETTINGS_KEY) as Partial<Settings> | null;
  const resolvers = Array.isArray(saved?.resolvers)
    ? saved.resolvers.flatMap((entry) => {
        const parsed = parseResolver(String(entry?.url), entry?.format === 'json' || entry?.format === 'wire' ? entry.format : undefined);
        return parsed.ok ? [parsed.resolver] : [];
      })
    : [];
  return {
    resolvers: resolvers.length > 0 ? resolvers : defaultSettings().resolvers,
    proxyUrl: typeof saved?.proxyUrl === 'string' ? saved.proxyUrl : '',
    ...(typeof saved?.allowPrivate === 'boolean' ? { allowPrivate: saved.allowPrivate } : {}),
  };
}

export function saveSettings(storage: Storage | null, settings: Settings): void {
  writeJson(storage, SETTINGS_KEY, settings);
}

/** The settings for this page: URL parameters over saved settings; bad resolver URLs are
 * reported, in the page's language. */
export function applyUrlParameters(saved: Settings, params: URLSearchParams, texts: CheckerTexts): { settings: Settings; errors: string[] } {
  const errors: string[] = [];
  const resolvers = params.getAll('resolver').flatMap((text) => {
    const parsed = parseResolver(text);
    if (parsed.ok) return [parsed.resolver];
    errors.push(`?resolver=${text}: ${texts.ui[parsed.problem]}`);
    return [];
  });
  return {
    settings: {
      resolvers: resolvers.length > 0 ? resolvers : saved.resolvers,
      proxyUrl: params.get('proxy') ?? saved.proxyUrl,
      ...(params.has('private') ? { allowPrivate: params.get('private') === '1' } : saved.allowPrivate !== undefined ? { allowPrivate: saved.allowPrivate } : {}),
    },
    errors,
  };
}

/** Whether private addresses are expected: the user's word, else the proxy's policy, else not. */
export function privateAddressesExpected(settings: Settings, proxy: ProxyStatus | null): boolean {
  return settings.allowPrivate ?? (proxy?.state === 'found' && proxy.allowPrivate);
}

/** localStorage, or null where the browser refuses it (private modes, blocked storage). */
export function browserStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function readJson(storage: Storage | null, key: string): unknown {
  try {
    return JSON.parse(storage?.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}

export function writeJson(storage: Storage | null, key: string, value: unknown): void {
  try {
    storage?.setItem(key, JSON.stringify(value));
  } catch {
    // A full or blocked storage only costs persistence, never the check.
  }
}
