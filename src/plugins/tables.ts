// Sätteri hast plugin: guide tables take keyboard focus. Starlight lets a table wider than
// the column scroll sideways, which on a phone most of them are; a region that scrolls must
// be reachable by keyboard (WCAG 2.1.1), or its last columns are out of reach without a mouse.
import type { HastPluginEntry } from 'satteri';

export const focusableTables: HastPluginEntry = () => ({
  name: 'fedcheck-focusable-tables',
  element: {
    filter: ['table'],
    visit(node, ctx) {
      ctx.setProperty(node, 'tabIndex', 0);
    },
  },
});
