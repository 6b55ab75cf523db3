// Reading the guide pages' Markdown sources for the docs tests: frontmatter, headings with their
// anchors, links, fenced code blocks; plus the spec rules the examples must follow.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isIPv4, isIPv6 } from 'node:net';
import yaml from 'js-yaml';
import GithubSlugger from 'github-slugger';
import { root } from './build-helpers.ts';
import { interpretRtcFoci, RTC_FOCI_KEY } from '../../src/checker/rtc-discovery.ts';

/** The content collection's root: English pages, and each other language's under <lang>/. */
export const contentDir = join(root, 'content/docs');
export const guidesDir = join(contentDir, 'docs');

export interface CodeBlock {
  lang: string;
  meta: string;
  code: string;
  /** 1-based line of the opening fence in the source file. */
  line: number;
}

export interface Heading {
  depth: number;
  text: string;
  slug: string;
  line: number;
}

export interface Page {
  file: string;
  /** Site URL, e.g. /docs/federation-tls/ */
  url: string;
  source: string;
  frontmatter: Record<string, unknown>;
  /** The source with code blocks blanked out, for prose checks. */
  prose: string;
  blocks: CodeBlock[];
  headings: Heading[];
  where: (line: number) => string;
}

export function guideFiles(): string[] {
  return readdirSync(guidesDir)
    .filter((f) => /\.mdx?$/.test(f))
    .sort();
}

/** Plain text of a heading's inline Markdown, as it ends up in the HTML. */
export function headingText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/(\*\*|__|\*|_)(\S(?:.*?\S)?)\1/g, '$2')
    .trim();
}

/** A page by its file in `dir`, a folder of content/docs ('docs' for the guides, '' for the root). */
export function readPage(file: string, dir = 'docs'): Page {
  const path = dir ? `${dir}/${file}` : file;
  const source = readFileSync(join(contentDir, path), 'utf8');
  const match = source.match(/^---\n([\s\S]*?)\n---\n/);
  if (!match) throw new Error(`${file}: no frontmatter`);
  const frontmatter = (yaml.load(match[1]) ?? {}) as Record<string, unknown>;
  const lines = source.split('\n');
  const blocks: CodeBlock[] = [];
  const headings: Heading[] = [];
  const slugger = new GithubSlugger();
  const proseLines: string[] = [];
  const frontmatterLines = match[0].split('\n').length - 1;
  let fence: { marker: string; indent: number; block: CodeBlock; body: string[] } | null = null;
  lines.forEach((text, index) => {
    const line = index + 1;
    if (line <= frontmatterLines) {
      proseLines.push('');
      return;
    }
    if (fence) {
      const close = text.match(/^( {0,3})(`{3,}|~{3,})\s*$/);
      if (close && close[2][0] === fence.marker[0] && close[2].length >= fence.marker.length) {
        fence.block.code = fence.body.join('\n');
        blocks.push(fence.block);
        fence = null;
      } else {
        fence.body.push(text.slice(Math.min(fence.indent, text.length - text.trimStart().length)));
      }
      proseLines.push('');
      return;
    }
    const open = text.match(/^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/);
    if (open) {
      fence = { marker: open[2], indent: open[1].length, block: { lang: open[3], meta: open[4], code: '', line }, body: [] };
      proseLines.push('');
      return;
    }
    proseLines.push(text);
    const heading = text.match(/^(#{1,6})\s+(.+?)\s*#*\s*$/);
    if (heading) {
      const plain = headingText(heading[2]);
      headings.push({ depth: heading[1].length, text: plain, slug: slugger.slug(plain), line });
    }
  });
  if (fence) throw new Error(`${file}: unclosed code fence`);
  const name = file.replace(/\.mdx?$/, '');
  return {
    file,
    url: `/${[dir, name === 'index' ? '' : name].filter(Boolean).join('/')}/`.replace(/\/+/g, '/'),
    source,
    frontmatter,
    prose: proseLines.join('\n'),
    blocks,
    headings,
    where: (line) => `content/docs/${path}:${line}`,
  };
}

export function readGuides(): Page[] {
  return guideFiles().map((file) => readPage(file));
}

/** Every page source under content/docs, as paths relative to it (e.g. docs/federation-tls.md, de/index.mdx). */
export function contentFiles(): string[] {
  return readdirSync(contentDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.mdx?$/.test(file) && !file.split('/').some((part) => part.startsWith('_')))
    .sort();
}

/** A page by its path relative to content/docs. */
export function readContentPage(path: string): Page {
  const slash = path.lastIndexOf('/');
  return readPage(path.slice(slash + 1), slash < 0 ? '' : path.slice(0, slash));
}

/** Link targets in the prose (Markdown links and HTML href), inline code removed. */
export function proseLinks(page: Page): { href: string; line: number }[] {
  const found: { href: string; line: number }[] = [];
  page.prose.split('\n').forEach((text, index) => {
    const withoutCode = text.replace(/``[^`]*``|`[^`]*`/g, '');
    for (const m of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)|href="([^"]+)"/g)) {
      found.push({ href: m[1] ?? m[2], line: index + 1 });
    }
  });
  return found;
}

/** Files a shell block writes with `echo '…' \` and `| sudo tee PATH` on the next line; content ends with echo's newline. */
export function echoedFiles(code: string): Array<{ path: string; content: string }> {
  return [...code.matchAll(/echo '([^']*)' \\\n\s*\| sudo tee (\S+)/g)].map((m) => ({ path: m[2], content: `${m[1]}\n` }));
}

// ---------------------------------------------------------------------------------------------
// Spec rules (Matrix spec v1.19) for the example files the docs show.

/** The server-name grammar of the spec's appendices, with the port range every peer enforces. */
export function isValidServerName(name: string): boolean {
  let host: string;
  let port: string | undefined;
  if (name.startsWith('[')) {
    const end = name.indexOf(']');
    if (end < 0) return false;
    const inner = name.slice(1, end);
    if (!/^[0-9A-Fa-f:.]{2,45}$/.test(inner) || !isIPv6(inner)) return false;
    const rest = name.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) return false;
    host = inner;
    port = rest ? rest.slice(1) : undefined;
  } else {
    const parts = name.split(':');
    if (parts.length > 2) return false;
    [host, port] = parts;
    if (!/^[A-Za-z0-9.-]{1,255}$/.test(host)) return false;
  }
  if (port !== undefined) {
    if (!/^\d{1,5}$/.test(port)) return false;
    const value = Number(port);
    if (value < 1 || value > 65535) return false;
  }
  return true;
}

export type WellKnownKind = 'server' | 'client' | 'support';

export function wellKnownKind(value: unknown): WellKnownKind | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  if ('m.server' in value) return 'server';
  if ('m.homeserver' in value) return 'client';
  if ('contacts' in value || 'support_page' in value) return 'support';
  return null;
}

/** Problems with a well-known document; an empty list means it follows the spec and our advice. */
export function wellKnownProblems(kind: WellKnownKind, value: unknown): string[] {
  const problems: string[] = [];
  if (!value || typeof value !== 'object' || Array.isArray(value)) return ['not a JSON object'];
  const doc = value as Record<string, unknown>;
  if (kind === 'server') {
    const server = doc['m.server'];
    if (typeof server !== 'string' || !isValidServerName(server)) problems.push(`m.server ${JSON.stringify(server)} is not a server name`);
    // Our advice: always name the port, or peers go to SRV and then 8448.
    else if (!/:\d+$/.test(server)) problems.push(`m.server ${server} has no explicit port`);
  } else if (kind === 'client') {
    const homeserver = doc['m.homeserver'] as Record<string, unknown> | undefined;
    const base = homeserver?.base_url;
    if (typeof base !== 'string') problems.push('m.homeserver.base_url missing');
    else {
      let url: URL | undefined;
      try {
        url = new URL(base);
      } catch {
        problems.push(`base_url ${base} is not a URL`);
      }
      if (url && url.protocol !== 'https:') problems.push(`base_url ${base} is not https`);
      if (url && url.pathname.includes('/_matrix')) problems.push(`base_url ${base} includes /_matrix`);
    }
    // MatrixRTC foci, read by the checker's own parser: every focus a LiveKit one with an https URL.
    if (RTC_FOCI_KEY in doc) {
      const foci = interpretRtcFoci({ ok: true, url: '', status: 200, headers: {}, body: JSON.stringify(doc), redirects: [], elapsedMs: 0 });
      if (foci.present) {
        problems.push(...foci.problems, ...foci.otherTypes.map((type) => `focus type ${type} is not livekit`));
        problems.push(...foci.livekitUrls.filter((url) => !url.startsWith('https:')).map((url) => `livekit_service_url ${url} is not https`));
      }
    }
    for (const key of Object.keys(doc)) {
      if (key !== 'm.homeserver' && key !== 'm.identity_server' && !/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(key)) {
        problems.push(`key ${key} is not namespaced`);
      }
    }
  } else {
    const contacts = doc.contacts;
    if (contacts === undefined && doc.support_page === undefined) problems.push('neither contacts nor support_page');
    if (doc.support_page !== undefined && (typeof doc.support_page !== 'string' || !/^https:\/\//.test(doc.support_page))) {
      problems.push('support_page is not an https URL');
    }
    if (contacts !== undefined) {
      if (!Array.isArray(contacts) || contacts.length === 0) problems.push('contacts must be a non-empty array');
      else
        for (const contact of contacts as Record<string, unknown>[]) {
          if (typeof contact.role !== 'string' || contact.role === '') problems.push('a contact has no role');
          const mxid = contact.matrix_id;
          const email = contact.email_address;
          if (mxid === undefined && email === undefined) problems.push('a contact has neither matrix_id nor email_address');
          if (mxid !== undefined && (typeof mxid !== 'string' || !/^@[^:]+:.+$/.test(mxid))) problems.push(`matrix_id ${String(mxid)} invalid`);
          if (email !== undefined && (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))) problems.push(`email ${String(email)} invalid`);
        }
    }
    if ('admins' in doc) problems.push('uses the pre-spec "admins" key');
  }
  return problems;
}

export const SPEC_CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'X-Requested-With, Content-Type, Authorization',
};

export { isIPv4, isIPv6 };
