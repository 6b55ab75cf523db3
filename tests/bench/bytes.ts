// Bytes: the JavaScript a page makes the browser download, gzip -9 per file as a server
// would send it, read from the built site. Roots are the page's <script src> and its
// islands' component-url/renderer-url; from there static imports (`import … from`) are
// what loads with the page, dynamic `import()` what loads later (the island's engine and
// report view when a check starts, Pagefind when the search opens).
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import { checkTextsPath } from '../../src/components/checker-texts.ts';
import { atMost, exactly, figure, type Figure } from './figure.ts';

const KB = 1024;
/** Solid and the island's own code (issue 7). */
const ISLAND_BUDGET_KB = 25;
/** The engine: every spec step and check that runs in a page, with its finding texts
 * (22.9 KB with the client, sign-in, calls and support checks in). */
const ENGINE_BUDGET_KB = 24.5;
/** Everything a check loads, island and engine: issue 13's target, met (the weight test holds it). */
const CHECK_BUDGET_KB = 45;
const GERMAN_HOME = 'de/index.html';
/** A plain Markdown guide: no components of its own beyond Starlight's. */
const DOCS_PAGE = 'docs/federation-network/index.html';

const STATIC_IMPORT = /\b(?:from|import)\s*["'`]([^"'`]+\.js)["'`]/g;
const DYNAMIC_IMPORT = /\bimport\(\s*["'`]([^"'`$]+\.js)["'`]\s*\)/g;

interface PageScripts {
  /** Site paths of <script src>. */
  external: string[];
  /** Site paths of the islands' component and renderer modules. */
  islands: string[];
  /** Inline <script> bodies; they arrive inside the HTML. */
  inline: string[];
}

export function pageScripts(html: string): PageScripts {
  const external: string[] = [];
  const inline: string[] = [];
  for (const [, attributes, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    if (/\btype="(?!module)[^"]+"/.test(attributes)) continue; // JSON and other data blocks
    const src = /\bsrc="([^"]+)"/.exec(attributes)?.[1];
    if (src) external.push(src);
    else if (body.trim()) inline.push(body);
  }
  const islands = [...html.matchAll(/\b(?:component|renderer)-url="([^"]+)"/g)].map((match) => match[1]);
  return { external, islands, inline };
}

/** Site paths reachable from `roots`: by static imports, and by dynamic ones too when asked. */
export function moduleGraph(siteDir: string, roots: string[], followDynamic: boolean): Set<string> {
  const seen = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const path = pending.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const code = readFileSync(join(siteDir, path), 'utf8');
    const specifiers = [...code.matchAll(STATIC_IMPORT), ...(followDynamic ? code.matchAll(DYNAMIC_IMPORT) : [])].map((match) => match[1]);
    for (const specifier of specifiers) pending.push(specifier.startsWith('/') ? specifier : posix.join(posix.dirname(path), specifier));
    // Pagefind's UI imports `${bundlePath}pagefind.js`, a path no regex can follow.
    if (followDynamic && code.includes('pagefind.js`')) pending.push('/pagefind/pagefind.js');
  }
  return seen;
}

const gzipBytes = (data: string | Buffer) => gzipSync(data, { level: 9 }).length;
const filesKb = (siteDir: string, paths: Iterable<string>) => [...paths].reduce((sum, path) => sum + gzipBytes(readFileSync(join(siteDir, path))), 0) / KB;
const minus = (a: Set<string>, b: Set<string>) => new Set([...a].filter((path) => !b.has(path)));
const union = (...sets: Set<string>[]) => new Set(sets.flatMap((set) => [...set]));

/** Starlight's search button script, the root of Pagefind's UI on every page. */
const isSearchRoot = (path: string) => posix.basename(path).startsWith('Search.astro');

interface PageWeight {
  /** Everything the page may load, Pagefind excluded. */
  js: Set<string>;
  pagefind: Set<string>;
  inlineKb: number;
}

function pageWeight(siteDir: string, scripts: PageScripts): PageWeight {
  const search = moduleGraph(siteDir, scripts.external.filter(isSearchRoot), true);
  const others = moduleGraph(siteDir, [...scripts.external.filter((path) => !isSearchRoot(path)), ...scripts.islands], true);
  // Chunks Pagefind shares with the page (Vite's preload helper) count for the page.
  const pagefind = minus(search, others);
  return { js: minus(union(others, search), pagefind), pagefind, inlineKb: gzipBytes(scripts.inline.join('\n')) / KB };
}

/** The checker engine: the core and the browser adapters, one chunk named after its entry. */
const isEngineChunk = (path: string) => /^check\.[^/]+\.js$/.test(posix.basename(path));

/** What a page's islands add to it: at load, and with everything they import later. Runtime
 * the page's own scripts load anyway (Astro's page script, with Vite's preload helper, which
 * Starlight's search button loads on every page) counts for the page. */
export function islandFiles(siteDir: string, page: PageScripts): { atLoad: Set<string>; all: Set<string> } {
  const withoutIslands = moduleGraph(siteDir, page.external, true);
  return {
    atLoad: minus(moduleGraph(siteDir, page.islands, false), withoutIslands),
    all: minus(moduleGraph(siteDir, page.islands, true), withoutIslands),
  };
}

export function bytesFigures(siteDir: string): Figure[] {
  const home = pageScripts(readFileSync(join(siteDir, 'index.html'), 'utf8'));
  const docs = pageScripts(readFileSync(join(siteDir, DOCS_PAGE), 'utf8'));
  if (home.islands.length === 0) throw new Error('the home page has no island: is this the fedcheck site?');

  const { atLoad: islandAtLoad, all: island } = islandFiles(siteDir, home);
  const engine = new Set([...island].filter(isEngineChunk));
  if (engine.size !== 1) throw new Error(`expected one engine chunk among the island's, found ${[...engine].join(', ') || 'none'}`);
  const homeWeight = pageWeight(siteDir, home);
  const docsWeight = pageWeight(siteDir, docs);
  const docsIslandCode = [...docsWeight.js].filter((path) => island.has(path));

  return [
    figure('bytes.home.js.gzip', filesKb(siteDir, homeWeight.js) + homeWeight.inlineKb, 'KB'),
    // Solid and the island's own code: what hydrates with the page, and with the report view it loads later.
    figure('bytes.island.load.gzip', filesKb(siteDir, islandAtLoad), 'KB', atMost(ISLAND_BUDGET_KB)),
    figure('bytes.island.ui.gzip', filesKb(siteDir, minus(island, engine)), 'KB', atMost(ISLAND_BUDGET_KB)),
    // The checker core with the browser adapters, loaded once the page is idle.
    figure('bytes.island.engine.gzip', filesKb(siteDir, engine), 'KB', atMost(ENGINE_BUDGET_KB)),
    figure('bytes.island.total.gzip', filesKb(siteDir, island), 'KB', atMost(CHECK_BUDGET_KB)),
    figure('bytes.docs.js.gzip', filesKb(siteDir, docsWeight.js) + docsWeight.inlineKb, 'KB'),
    figure('bytes.docs.islands', docs.islands.length, 'count', exactly(0)),
    figure('bytes.docs.island-code.gzip', filesKb(siteDir, docsIslandCode), 'KB', exactly(0)),
    figure('bytes.pagefind.js.gzip', filesKb(siteDir, homeWeight.pagefind), 'KB'),
    // The home pages themselves, and what a check on the German one reads beside the island:
    // the checks' titles and fixes, which were most of that page until they became a file.
    figure('bytes.home.html.gzip', filesKb(siteDir, ['index.html']), 'KB'),
    figure('bytes.home-de.html.gzip', filesKb(siteDir, [GERMAN_HOME]), 'KB'),
    figure('bytes.check-texts-de.gzip', filesKb(siteDir, [checkTextsPath('de')]), 'KB'),
  ];
}
