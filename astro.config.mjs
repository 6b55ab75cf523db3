// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import solid from '@astrojs/solid-js';
import { satteri } from '@astrojs/markdown-satteri';
import { readFileSync } from 'node:fs';
import { callouts } from './src/plugins/callouts.ts';
import { focusableTables } from './src/plugins/tables.ts';
import { codeColours } from './src/plugins/code-colours.ts';
import { precompress } from './src/build/precompress.ts';
import { searchOnOpen } from './src/build/search-on-open.ts';
import { siteChunks } from './src/build/site-chunks.ts';
import { solidHydrate } from './src/build/solid-hydrate.ts';
import { compileHints } from './src/build/compile-hints.ts';

// The repository URL lives in package.json only; edit links are derived from it.
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const repository = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

export default defineConfig({
  site: pkg.homepage,
  markdown: {
    processor: satteri({ mdastPlugins: [callouts], hastPlugins: [focusableTables] }),
  },
  vite: { plugins: [searchOnOpen(), siteChunks(), solidHydrate(), compileHints()] },
  integrations: [
    starlight({
      title: 'fedcheck',
      description: 'Diagnose Matrix federation: DNS, SRV, .well-known delegation, ports and TLS, checked against the spec.',
      favicon: '/favicon.svg',
      logo: { src: './public/favicon.svg', alt: '' },
      social: [{ icon: 'github', label: 'Source code', href: repository }],
      editLink: { baseUrl: `${repository}/edit/main/` },
      lastUpdated: true,
      // Head: when a guide lays out whole rather than as it is read (content.css).
      // MobileTableOfContents: each table of contents sets itself up only while it is on
      // screen (toc-where-shown.ts).
      components: {
        Head: './src/components/starlight/Head.astro',
        MobileTableOfContents: './src/components/starlight/MobileTableOfContents.astro',
      },
      customCss: ['./src/styles/theme.css', './src/styles/content.css', './src/styles/callouts.css', './src/styles/home.css'],
      // Zone-file and Caddyfile snippets have no grammar in Shiki; show them as plain text.
      // Long lines wrap rather than scroll: on a phone a scrolled command hides its end, and
      // every scrolling block would become one more unnamed "region" for screen readers.
      // Tokens in the block's own text colour lose their span (src/plugins/code-colours.ts).
      // No `all: revert` on each element of a block: it was a fifth of a guide's style work, and
      // the site's styles do not reach into code blocks (tests/e2e/site.test.ts).
      expressiveCode: { defaultProps: { wrap: true }, useStyleReset: false, shiki: { langAlias: { dns: 'txt', caddy: 'txt' } }, plugins: [codeColours()] },
      markdown: { processedDirs: [process.env.FEDCHECK_CONTENT_DIR ?? './content/docs'] },
      // English at the root, German under /de/ (content/docs/de/…). Starlight's own UI
      // strings come in German with it; ours are in the sidebar's `translations`.
      locales: { root: { label: 'English', lang: 'en' }, de: { label: 'Deutsch', lang: 'de' } },
      sidebar: [
        { label: 'Checker', translations: { de: 'Prüfung' }, link: '/' },
        {
          label: 'Guides',
          translations: { de: 'Anleitungen' },
          // Autogenerate matches a page's file path (content/docs/de/docs/… for German pages,
          // which the glob loader keeps) against "<locale>/<directory>": the first entry lists
          // English pages (and, in German, English fallbacks of untranslated ones), the second
          // German pages. Each is empty in the other language.
          items: [{ autogenerate: { directory: 'content/docs/docs' } }, { autogenerate: { directory: 'content/docs/de/docs' } }],
        },
      ],
    }),
    solid(),
    precompress(),
  ],
});
