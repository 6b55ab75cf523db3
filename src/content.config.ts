// Docs live in the top-level content/ folder so contributors edit Markdown in one obvious
// place. Starlight's docsLoader() only reads src/content/docs, so we use Astro's glob loader
// and add what docsLoader would have given us: last-updated dates from Git.
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { docsSchema } from '@astrojs/starlight/schema';
import { lastCommitDate } from './build/git-dates.ts';

// FEDCHECK_CONTENT_DIR lets the tests build fixture pages through the real pipeline.
const docsGlob = glob({ base: process.env.FEDCHECK_CONTENT_DIR ?? './content/docs', pattern: '**/[^_]*.{md,mdx}' });

export const collections = {
  docs: defineCollection({
    schema: docsSchema(),
    loader: {
      name: 'fedcheck-docs-loader',
      load: (context) =>
        docsGlob.load({
          ...context,
          parseData: (entry) => {
            const committed = entry.filePath ? lastCommitDate(entry.filePath) : undefined;
            const data = committed && entry.data.lastUpdated === undefined ? { ...entry.data, lastUpdated: committed } : entry.data;
            return context.parseData({ ...entry, data });
          },
        }),
    },
  }),
};
