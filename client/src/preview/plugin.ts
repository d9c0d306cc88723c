/**
 * The markdown-it plugin behind VS Code's markdown preview of Obsidian notes: wiki-links, embeds (notes,
 * headings, blocks, images, PDFs, audio, video), callouts, `==highlights==`, and hidden `%%comments%%` and
 * `^blockid` markers.
 *
 * The extension returns it from `extendMarkdownIt`:
 *
 *     extendMarkdownIt: (md) => md.use(obsidianPreviewPlugin, options)
 *
 * Parsing (syntax.ts) records what is written and never depends on the document or the vault, because VS Code
 * caches tokens per document version and parses with an empty `env`. Rendering (render.ts) resolves every link
 * with the engine against the vault of `env.currentDocument`.
 *
 * Link fragments (VS Code opens clicked links itself, in an editor or, by default, in the preview): a link to
 * another note's heading carries the slug VS Code's preview and markdown language server give that heading, so
 * it lands on the heading either way; a link to a block carries `L<line>` (1-based first line of the block),
 * which VS Code follows into an editor but not into the preview (that opens at the top). Links to the previewed
 * note itself carry `#L<line>` alone: the plugin puts an anchor with that id at each heading and block.
 *
 * In VS Code, pass `pdfFrames: () => false`: the preview's content security policy blocks frames and then warns
 * that content was disabled; the PDF link is written either way.
 */
import type MarkdownIt from 'markdown-it';
import { capContainerNesting } from '@ospo-notes/engine';
import { NoteCache } from './noteCache';
import { PreviewRenderer, type PreviewOptions } from './render';
import { installSyntax, type LinkMeta } from './syntax';

export type { PreviewOptions, PreviewVault } from './render';
export { relativeHref } from './hrefs';

/** What a caller can see of one installed plugin: work counters (for tests and tracing) and a cache reset. */
export interface PreviewPluginHandle {
  readonly stats: {
    /** Sources parsed by the plugin's engine pass (the previewed document and embed slices). */
    readonly sources: number;
    /** Vault files read. */
    readonly reads: number;
    /** Vault notes parsed (a note whose bytes did not change is not parsed again). */
    readonly notesParsed: number;
    /** Embed slices tokenized. */
    readonly slicesParsed: number;
  };
  clearCache(): void;
}

export function obsidianPreviewPlugin(md: MarkdownIt, options: PreviewOptions): PreviewPluginHandle {
  // Deep lists or quotes must not hide the rest of a note (or of an embed) from the preview either.
  capContainerNesting(md);
  const links = new WeakMap<MarkdownIt.Token, LinkMeta>();
  const cache = new NoteCache((p) => options.readFile(p));
  let sources = 0;
  installSyntax(md, links, () => sources++);
  const renderer = new PreviewRenderer(md, options, links, cache);
  renderer.install();
  return {
    stats: {
      get sources() {
        return sources;
      },
      get reads() {
        return cache.stats.reads;
      },
      get notesParsed() {
        return cache.stats.parses;
      },
      get slicesParsed() {
        return renderer.stats.slicesParsed;
      },
    },
    clearCache: () => cache.clear(),
  };
}
