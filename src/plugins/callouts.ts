// Sätteri mdast plugin: `:::inset` and `:::warning` container directives become
// Starlight-styled asides. Starlight's own variants pass through to its plugin, and any
// other container directive fails the build, because Markdown would otherwise render it
// as a bare <div> and a typo would go unnoticed.
import type { MdastPluginEntry } from 'satteri';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

type CalloutVariant = 'inset' | 'warning';

const STARLIGHT_VARIANTS = new Set(['note', 'tip', 'caution', 'danger']);

const CALLOUTS: Record<CalloutVariant, { title: string; icon: string }> = {
  inset: {
    title: 'In practice',
    // An open book: background reading set apart from the main text.
    icon: '<path d="M21 4h-6a3 3 0 0 0-3 1.4A3 3 0 0 0 9 4H3a1 1 0 0 0-1 1v13a1 1 0 0 0 1 1h6a2 2 0 0 1 2 2 1 1 0 0 0 2 0 2 2 0 0 1 2-2h6a1 1 0 0 0 1-1V5a1 1 0 0 0-1-1ZM11 17.5a4 4 0 0 0-2-.5H4V6h5a2 2 0 0 1 2 2v9.5ZM20 17h-5a4 4 0 0 0-2 .5V8a2 2 0 0 1 2-2h5v11Z"/>',
  },
  warning: {
    title: 'Warning',
    icon: '<path d="M12 2.5a1.7 1.7 0 0 1 1.5.9l8.6 15.4a1.7 1.7 0 0 1-1.5 2.5H3.4a1.7 1.7 0 0 1-1.5-2.5l8.6-15.4a1.7 1.7 0 0 1 1.5-.9Zm0 2L3.8 19.2h16.4L12 4.5Zm0 11.5a1.2 1.2 0 1 1 0 2.4 1.2 1.2 0 0 1 0-2.4Zm0-7.5a1 1 0 0 1 1 1v4.5a1 1 0 0 1-2 0V9.5a1 1 0 0 1 1-1Z"/>',
  },
};

export const CALLOUT_NAMES = [...Object.keys(CALLOUTS), ...STARLIGHT_VARIANTS];

function isCallout(name: string): name is CalloutVariant {
  return Object.hasOwn(CALLOUTS, name);
}

// mdast paragraphs with hName render as any element, which is how Starlight builds its asides.
function element(tagName: string, properties: Record<string, string>, children: unknown[]) {
  return { type: 'paragraph', data: { hName: tagName, hProperties: properties }, children };
}

interface DirectiveNode {
  name: string;
  children: Array<{ type: string; data?: { directiveLabel?: boolean }; children?: unknown[] }>;
  position?: { start: { line: number; column: number } };
}

// Astro hands .md bodies to the processor without their frontmatter, so positions are
// relative to the body; find where the body starts to report the file's own line numbers.
function bodyLineOffset(file: string | undefined, body: string): number {
  if (!file) return 0;
  try {
    const text = readFileSync(file, 'utf8');
    const start = body ? text.indexOf(body) : -1;
    return start > 0 ? text.slice(0, start).split('\n').length - 1 : 0;
  } catch {
    return 0;
  }
}

export const callouts: MdastPluginEntry = ({ fileURL, sourceFormat, source }) => ({
  name: 'fedcheck-callouts',
  options: { position: true },
  containerDirective(node: DirectiveNode, ctx: { textContent(node: unknown): string }) {
    if (STARLIGHT_VARIANTS.has(node.name)) return undefined;
    if (!isCallout(node.name)) {
      const file = fileURL ? fileURLToPath(fileURL) : undefined;
      const line = node.position ? node.position.start.line + bodyLineOffset(file, source) : undefined;
      const where = `${file ?? '<unknown file>'}${line ? `:${line}:${node.position!.start.column}` : ''}`;
      throw new Error(
        `${where}: unknown callout ":::${node.name}". Use one of ${CALLOUT_NAMES.map((n) => `:::${n}`).join(', ')}.`,
      );
    }
    const callout = CALLOUTS[node.name];
    const children = [...node.children];
    const first = children[0];
    let titleNodes: unknown[] = [{ type: 'text', value: callout.title }];
    let title = callout.title;
    if (first?.type === 'paragraph' && first.data?.directiveLabel && first.children?.length) {
      titleNodes = first.children;
      title = ctx.textContent(first);
      children.shift();
    }
    const svg = `<svg viewBox="0 0 24 24" width="16" height="16" fill="currentColor" class="starlight-aside__icon" aria-hidden="true">${callout.icon}</svg>`;
    const icon =
      sourceFormat === 'mdx'
        ? { type: 'mdxJsxTextElement', name: 'Fragment', attributes: [{ type: 'mdxJsxAttribute', name: 'set:html', value: svg }] }
        : { type: 'html', value: svg };
    return element('aside', { 'aria-label': title, class: `starlight-aside starlight-aside--${node.name}` }, [
      element('p', { class: 'starlight-aside__title', 'aria-hidden': 'true' }, [icon, ...titleNodes]),
      element('div', { class: 'starlight-aside__content' }, children),
    ]);
  },
});
