// Expressive Code plugin: Shiki gives every token a colour, also the spaces and words in the
// code block's own text colour, and each token becomes a <span style="--0:…;--1:…"> (a colour
// per theme). A span that sets only the block's text colour, in every theme, draws what its
// text alone draws (Expressive Code's token rule falls back to `inherit`), so it goes: on
// docs/federation-network/ 117 of 268 token spans, 7 % of the page's elements, and their share
// of the style, layout and table-of-contents work after load (tests/bench/README.md).
import { definePlugin, getInlineStyles, type ExpressiveCodePlugin, type PostprocessRenderedLineContext } from '@astrojs/starlight/expressive-code';

type Element = PostprocessRenderedLineContext['renderData']['lineAst'];
type Content = Element['children'][number];

export function codeColours(): ExpressiveCodePlugin {
  return definePlugin({
    name: 'fedcheck-code-colours',
    hooks: {
      postprocessRenderedLine({ renderData, styleVariants }) {
        // Per theme, by its index: the colour that `--<index>` sets.
        const textColours = styleVariants.map((variant, index) => [`--${index}`, String(variant.resolvedStyleSettings.get('codeForeground')).toLowerCase()]);
        const inTextColour = (node: Content): node is Element => {
          if (node.type !== 'element' || node.tagName !== 'span' || Object.keys(node.properties).some((name) => name !== 'style')) return false;
          const styles = getInlineStyles(node);
          return styles.size === textColours.length && textColours.every(([name, colour]) => styles.get(name)?.toLowerCase() === colour);
        };
        const unwrap = (parent: Element) => {
          parent.children = parent.children.flatMap((child) => (inTextColour(child) ? child.children : [child]));
          for (const child of parent.children) if (child.type === 'element') unwrap(child);
        };
        unwrap(renderData.lineAst);
      },
    },
  });
}
