/**
 * Render-time half of the preview plugin: resolves the links the parse recorded, against the vault of the
 * document being rendered, and writes their HTML.
 *
 * Every link goes through the engine's `resolveLink` with a `VaultView` over the host's `FileLookup`, so the
 * preview shows exactly what the diagnostics report. The previewed note itself is seen as its editor buffer (the
 * model of the parsed source); other notes are read from disk through `NoteCache`, which refuses anything outside
 * the vault root.
 *
 * A render context belongs to one markdown-it `env` object: VS Code renders each preview update with a fresh
 * `env`, and embedded content is rendered with a child `env` of its own, carrying the embed chain (for cycles) and
 * the depth (for the limit).
 */
import * as path from 'path';
import { fileURLToPath } from 'url';
import type MarkdownIt from 'markdown-it';
import {
  basename,
  type BlockId,
  fileKind,
  type FileLookup,
  githubSlug,
  type Heading,
  isNotePath,
  isStrictlyInside,
  type Link,
  type LinkTarget,
  normalizeVaultPath,
  type NoteModel,
  noteVisibility,
  type Visibility,
  resolveLink,
  stem,
  type VaultView,
} from '@ospo-notes/engine';
import { l10n } from '../l10n';
import { calloutIcon, calloutKind, defaultCalloutTitle } from './callouts';
import { NoteCache, VaultRoot, type Loaded, type LoadFailure, type NoteEntry } from './noteCache';
import { cutRanges, EMBED_PARSE, hiddenRanges, KNOWN_MODEL, T, type CalloutMeta, type LinkMeta, type ParseInfo } from './syntax';

type Md = MarkdownIt;
type Token = MarkdownIt.Token;
type Renderer = MarkdownIt.Renderer;
type RenderOptions = Parameters<Renderer['render']>[1];
// markdown-it passes the renderer's `env` through untyped.
type Env = Record<string, unknown>;

/** A vault as the host sees it: its root folder and the files the language server knows in it. */
export interface PreviewVault {
  /** Absolute path of the vault's root folder. */
  root: string;
  files: FileLookup;
}

/** Everything the plugin needs from its host, all synchronous (markdown-it renders synchronously). */
export interface PreviewOptions {
  /** The vault a document belongs to, or undefined when it is in none (the plugin then leaves links as text). */
  vaultFor(documentPath: string): PreviewVault | undefined;
  /**
   * The bytes of a file, or undefined when it cannot be read. Only ever called with real paths inside a vault
   * root, after symlinks are resolved.
   */
  readFile(absPath: string): Uint8Array | undefined;
  /**
   * How to write a link to a file. `fragment` (without `#`) is the heading's slug as VS Code's preview and
   * markdown language server compute it for a heading, `L<line>` (1-based) for a block, `page=N` for a PDF;
   * `fromDocument` is the previewed document. In VS Code, `relativeHref` (hrefs.ts) fits.
   */
  toHref(absPath: string, fragment?: string, fromDocument?: string): string;
  /** The URL of a file for `<img>`, `<iframe>`, `<audio>`, `<video>` in the preview; `relativeHref` fits VS Code. */
  resourceUri(absPath: string, fromDocument?: string): string;
  /** How many note embeds may nest (default 3). */
  maxEmbedDepth?(): number;
  /**
   * How many note embeds one render shows in all, at every depth (default {@link DEFAULT_MAX_EMBEDS}). Embeds
   * past the budget are shown as links, and a box at the end of the page says how many were left out.
   */
  maxEmbeds?(): number;
  /**
   * How much HTML (in characters, about bytes) the note embeds of one render may produce in all (default
   * {@link DEFAULT_MAX_EMBED_BYTES}). Checked before each embed starts, so one render overshoots by at most the
   * text of the embed that crossed it.
   */
  maxEmbedBytes?(): number;
  /**
   * Whether a PDF embed includes a frame showing the document (default true). VS Code's preview blocks frames by
   * its content security policy and then warns that content was disabled, so the extension turns them off there;
   * the link to the PDF is always written.
   */
  pdfFrames?(): boolean;
  /** `ospoNotes.visibility.default`: what a note without a `visibility` counts as (default private). */
  defaultVisibility?(): Visibility;
}

/** Defaults of `ospoNotes.preview.maxEmbeds` and `ospoNotes.preview.maxEmbedKilobytes` (2,048 KB). */
export const DEFAULT_MAX_EMBEDS = 200;
export const DEFAULT_MAX_EMBED_BYTES = 2048 * 1024;

/** One render of one previewed document. */
interface Root {
  readonly vault: VaultRoot;
  readonly files: FileLookup;
  /** Absolute path and vault path of the previewed document. */
  readonly topDoc: string;
  readonly topRel: string;
  /** The previewed document's buffer, once a link token has shown it. */
  topInfo?: ParseInfo;
  topEntry?: NoteEntry;
  readonly maxDepth: number;
  /** Notes loaded during this render, by vault path. */
  readonly loads: Map<string, Loaded>;
  /** Link resolutions during this render, per source note and link. */
  readonly resolutions: Map<string, Map<string, LinkTarget>>;
  readonly budget: EmbedBudget;
}

/**
 * What one render may still embed. Nested embeds make the output grow with the product of embeds per note
 * (100 notes of 100 embeds each, three deep, is a million embeds): the budget bounds the whole render, and an
 * embed past it is never loaded or rendered, so the work stays proportional to what is shown.
 */
interface EmbedBudget {
  readonly maxEmbeds: number;
  readonly maxBytes: number;
  /** Note embeds rendered so far. */
  embeds: number;
  /** HTML produced by the note embeds finished so far (an embed's output includes its nested embeds). */
  bytes: number;
  /** Note embeds shown as a link only, because the budget was used up; and which limit was reached first. */
  omitted: number;
  exhausted?: 'embeds' | 'bytes';
}

/** Where in the embed chain a piece of content is rendered. */
interface Context {
  readonly root: Root;
  readonly docRel: string;
  docModel?: NoteModel;
  /** Notes (and parts of notes) being rendered, outermost first; the previewed document is first. */
  readonly chain: ReadonlyArray<{ key: string; name: string }>;
  readonly depth: number;
}

export interface RenderStats {
  /** Embed slices parsed into markdown-it tokens (cache misses). */
  slicesParsed: number;
}

export class PreviewRenderer {
  private readonly contexts = new WeakMap<object, Context | null>();
  readonly stats: RenderStats = { slicesParsed: 0 };

  constructor(
    private readonly md: Md,
    private readonly options: PreviewOptions,
    private readonly links: WeakMap<Token, LinkMeta>,
    private readonly cache: NoteCache,
  ) {}

  install(): void {
    const rules = this.md.renderer.rules;
    const esc = this.md.utils.escapeHtml;

    rules[T.wikilink] = (tokens, idx, options, env, self) => this.renderWikiLink(tokens[idx], options, env, self);

    const image = rules.image;
    rules.image = (tokens, idx, options, env, self) => {
      const token = tokens[idx];
      const meta = this.links.get(token);
      const ctx = meta ? this.contextFor(env, meta) : undefined;
      const html = meta && ctx && env ? this.renderMarkdownEmbed(ctx, meta, token, options, env, self) : undefined;
      if (html !== undefined) return html;
      const plain = image ? image(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
      // Left to the image rule after all: give it back the paragraph it was alone in.
      return meta?.wrapper ? `${this.open('p', '', meta)}${plain}</p>\n` : plain;
    };

    // A markdown link to a vault file gets the href of that file, as the engine resolves it (R3, R6): markdown-it's
    // href is the destination as a URL relative to the previewed document, dead for `[Component](Component)`
    // written in another folder. Links the engine does not find are left as markdown-it writes them.
    const linkOpen = rules.link_open;
    rules.link_open = (tokens, idx, options, env, self) => {
      const token = tokens[idx];
      const meta = this.links.get(token);
      const ctx = meta ? this.contextFor(env, meta) : undefined;
      const href = meta && ctx ? this.markdownLinkHref(ctx, meta.link) : undefined;
      if (href !== undefined) {
        token.attrSet('href', href);
        // VS Code's engine copies `href` to `data-href` (which its preview opens on a click) before calling the
        // rule it wraps, this one: the copy must name the note too.
        if (token.attrGet('data-href') !== null) token.attrSet('data-href', href);
      }
      return linkOpen ? linkOpen(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
    };

    rules[T.calloutOpen] = (tokens, idx, _options, _env, self) => `<${tokens[idx].tag}${self.renderAttrs(tokens[idx])}>\n`;
    rules[T.calloutTitleOpen] = (tokens, idx) => {
      const t = tokens[idx];
      const meta = t.meta as unknown as CalloutMeta;
      const icon = `<span class="ospo-callout-icon" aria-hidden="true">${calloutIcon(calloutKind(meta.type))}</span>`;
      const fallback = meta.untitled ? esc(defaultCalloutTitle(meta.type)) : '';
      return `<${t.tag} class="ospo-callout-title">${icon}<span class="ospo-callout-title-inner">${fallback}`;
    };
    rules[T.calloutTitleClose] = (tokens, idx) => `</span></${tokens[idx].tag}>\n`;
    rules[T.calloutContentOpen] = () => '<div class="ospo-callout-content">\n';
    rules[T.calloutContentClose] = () => '</div>\n';
    rules[T.calloutClose] = (tokens, idx) => `</${tokens[idx].tag}>\n`;
    rules[T.anchor] = (tokens, idx, _options, _env, self) => `<span${self.renderAttrs(tokens[idx])}></span>\n`;
    // Headings of embedded content are rendered without the host's heading ids: VS Code numbers repeated
    // heading slugs per render, so an embedded `## OSPO` would shift the ids of the previewed note's headings.
    rules[T_BUDGET] = (_tokens, _idx, _options, env) => this.renderBudgetSummary(env);
    // The summary of what the budget left out goes after everything else of the previewed document. Embedded
    // slices, inline renders and other parses get no such token.
    this.md.core.ruler.push('ospo_embed_budget', (state) => {
      const env = state.env as Record<symbol, unknown> | undefined;
      if (state.inlineMode || env?.[EMBED_PARSE] || env?.[KNOWN_MODEL]) return;
      const token = new state.Token(T_BUDGET, '', 0);
      // Hidden: a renderer without this plugin's rules writes nothing for it.
      token.hidden = true;
      state.tokens.push(token);
    });
    rules[EMBED_HEADING_OPEN] = (tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options);
    rules[EMBED_HEADING_CLOSE] = (tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Contexts

  private contextFor(env: Env | undefined, meta: LinkMeta): Context | undefined {
    if (!env) return undefined;
    let ctx = this.contexts.get(env);
    if (ctx === undefined) {
      ctx = this.topContext(env) ?? null;
      this.contexts.set(env, ctx);
    }
    if (!ctx) return undefined;
    // The previewed document is known by its buffer, which only its parse saw.
    if (ctx.depth === 0 && !ctx.root.topInfo && meta.doc) {
      ctx.root.topInfo = meta.doc;
      ctx.docModel = meta.doc.model;
    }
    return ctx;
  }

  private topContext(env: Env): Context | undefined {
    const doc = documentPath(env);
    if (!doc) return undefined;
    const vault = this.options.vaultFor(doc);
    if (!vault) return undefined;
    const rootDir = path.resolve(vault.root);
    if (!isStrictlyInside(rootDir, doc)) return undefined;
    const topRel = normalizeVaultPath(path.relative(rootDir, doc));
    const depth = this.options.maxEmbedDepth?.() ?? 3;
    const maxEmbeds = this.options.maxEmbeds?.() ?? DEFAULT_MAX_EMBEDS;
    const maxBytes = this.options.maxEmbedBytes?.() ?? DEFAULT_MAX_EMBED_BYTES;
    const root: Root = {
      vault: new VaultRoot(rootDir),
      files: vault.files,
      topDoc: doc,
      topRel,
      maxDepth: Number.isFinite(depth) ? Math.max(0, Math.floor(depth)) : 3,
      loads: new Map(),
      resolutions: new Map(),
      budget: {
        // Infinity is a valid answer (no limit); anything that is not a number is not.
        maxEmbeds: typeof maxEmbeds === 'number' && !Number.isNaN(maxEmbeds) ? Math.max(0, Math.floor(maxEmbeds)) : DEFAULT_MAX_EMBEDS,
        maxBytes: typeof maxBytes === 'number' && !Number.isNaN(maxBytes) ? Math.max(0, Math.floor(maxBytes)) : DEFAULT_MAX_EMBED_BYTES,
        embeds: 0,
        bytes: 0,
        omitted: 0,
      },
    };
    return { root, docRel: topRel, chain: [{ key: `${topRel}#`, name: stem(topRel) }], depth: 0 };
  }

  /** A note's entry: the buffer for the previewed document, otherwise the file, read once per render. */
  private load(root: Root, rel: string): Loaded {
    if (rel === root.topRel && root.topInfo) {
      root.topEntry ??= { real: root.topDoc, hash: '', model: root.topInfo.model, lines: root.topInfo.lines, problems: [], derived: new Map() };
      return { entry: root.topEntry };
    }
    let loaded = root.loads.get(rel);
    if (!loaded) {
      loaded = this.cache.load(root.vault, rel);
      root.loads.set(rel, loaded);
    }
    return loaded;
  }

  private resolve(ctx: Context, link: Link): LinkTarget {
    const root = ctx.root;
    let memo = root.resolutions.get(ctx.docRel);
    if (!memo) root.resolutions.set(ctx.docRel, (memo = new Map()));
    const key = `${link.syntax}\u0000${link.path}\u0000${link.subpath ?? '\u0001'}`;
    let target = memo.get(key);
    if (!target) {
      const view: VaultView = {
        files: root.files,
        note: (p) => {
          if (p === ctx.docRel && ctx.docModel) return ctx.docModel;
          const loaded = this.load(root, p);
          return 'entry' in loaded ? loaded.entry.model : undefined;
        },
      };
      target = resolveLink(link, ctx.docRel, view);
      memo.set(key, target);
    }
    return target;
  }

  /**
   * The href of a vault file, with a fragment when the link names a heading or block.
   *
   * Within the previewed document the fragment is `#L<line>`, the id of the line anchor at that heading or block
   * on this page. Other notes are opened by VS Code, which understands two kinds of fragment: a heading slug,
   * which it follows both into an editor and into the preview, and `L<line>`, which it follows into an editor
   * only (the preview then opens at the top). So headings get the slug VS Code gives them, blocks `L<line>`.
   */
  private href(ctx: Context, rel: string, heading?: Heading, block?: BlockId): string {
    const line = heading?.line ?? block?.startLine;
    if (line !== undefined && rel === ctx.root.topRel) return `#L${line + 1}`;
    let fragment: string | undefined;
    if (heading) fragment = this.headingSlug(ctx.root, rel, heading) ?? `L${heading.line + 1}`;
    else if (block) fragment = `L${block.startLine + 1}`;
    return this.options.toHref(ctx.root.vault.absolute(rel), fragment, ctx.root.topDoc);
  }

  /**
   * The id VS Code's preview gives a heading, which is also the slug its markdown language server resolves: the
   * heading's plain text (text and code of its inline tokens, as this plugin parses them) slugged the GitHub way,
   * repeated slugs numbered `-1`, `-2`… in document order. Computed once per note version.
   */
  private headingSlug(root: Root, rel: string, heading: Heading): string | undefined {
    const loaded = this.load(root, rel);
    if ('failure' in loaded) return undefined;
    const entry = loaded.entry;
    let slugs = entry.derived.get('slugs') as Map<number, string> | undefined;
    if (!slugs) {
      slugs = new Map();
      const lines = entry.lines.slice();
      // The host renders frontmatter apart (VS Code) or not at all; either way it holds no headings.
      const fm = entry.model.frontmatter;
      if (fm) for (let l = 0; l <= fm.range.end.line; l++) lines[l] = '';
      const tokens = this.md.parse(lines.join('\n'), { [KNOWN_MODEL]: entry.model });
      const seen = new Map<string, number>();
      for (let i = 0; i < tokens.length; i++) {
        const open = tokens[i];
        if (open.type !== 'heading_open' || !open.map) continue;
        let text = '';
        for (let j = i + 1; j < tokens.length && tokens[j].type !== 'heading_close'; j++) text += plainText(tokens[j]);
        const base = headingSlugOf(text);
        const count = seen.get(base);
        seen.set(base, count === undefined ? 0 : count + 1);
        slugs.set(open.map[0], count === undefined ? base : headingSlugOf(`${base}-${count + 1}`));
      }
      entry.derived.set('slugs', slugs);
    }
    return slugs.get(heading.line);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Links

  private renderWikiLink(token: Token, options: RenderOptions, env: Env | undefined, self: Renderer): string {
    const esc = this.md.utils.escapeHtml;
    const meta = this.links.get(token);
    if (!meta) return esc(token.content);
    const ctx = this.contextFor(env, meta);
    if (!ctx || !env || (meta.link.path === '' && meta.link.subpath === undefined)) return this.literal(meta);
    if (meta.link.embed) return this.renderEmbed(ctx, meta, options, env, self);

    const link = meta.link;
    const text = esc(displayText(link));
    const target = this.resolve(ctx, link);
    if (target.status === 'resolved' && target.target !== undefined) {
      const href = this.href(ctx, target.target, target.heading, target.block);
      return `<a class="ospo-wikilink" href="${esc(href)}" title="${esc(target.target)}">${text}</a>`;
    }
    if ((target.status === 'missing-heading' || target.status === 'missing-block') && target.target !== undefined) {
      const why = missingReason(target, link);
      return `<a class="ospo-wikilink ospo-missing-subpath" href="${esc(this.href(ctx, target.target))}" title="${esc(why)}">${text}</a>`;
    }
    // No href: there is nothing to open (Obsidian would create the note on click).
    return `<a class="ospo-wikilink ospo-unresolved" title="${esc(missingReason(target, link))}">${text}</a>`;
  }

  /** The href of a markdown link the engine resolves to a vault file (its heading or block too); else undefined. */
  private markdownLinkHref(ctx: Context, link: Link): string | undefined {
    const target = this.resolve(ctx, link);
    if (target.target === undefined) return undefined;
    if (target.status === 'resolved') return this.href(ctx, target.target, target.heading, target.block);
    if (target.status === 'missing-heading' || target.status === 'missing-block') return this.href(ctx, target.target);
    return undefined;
  }

  /** The link as written, for documents outside any vault: the plugin must not change what it cannot resolve. */
  private literal(meta: LinkMeta): string {
    const text = this.md.utils.escapeHtml(meta.source);
    return meta.wrapper ? `${this.open('p', '', meta)}${text}</p>\n` : text;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Embeds

  private renderEmbed(ctx: Context, meta: LinkMeta, options: RenderOptions, env: Env, self: Renderer): string {
    const link = meta.link;
    const target = this.resolve(ctx, link);
    if (target.status !== 'resolved' || target.target === undefined) return this.box(meta, 'missing', missingReason(target, link));
    const rel = target.target;
    if (isNotePath(rel)) return this.renderNoteEmbed(ctx, meta, target, rel, options, env, self);
    const size = link.display === undefined ? undefined : imageSize(link.display);
    const alt = size || link.display === undefined || link.display === '' ? basename(rel) : link.display;
    return this.renderFileEmbed(ctx, meta, rel, alt, size, undefined, options, env, self);
  }

  /** `![alt](dest)` whose destination the engine finds in the vault; undefined leaves it to the image rule. */
  private renderMarkdownEmbed(ctx: Context, meta: LinkMeta, token: Token, options: RenderOptions, env: Env, self: Renderer): string | undefined {
    const link = meta.link;
    const target = this.resolve(ctx, link);
    if (target.status === 'unresolved' || target.status === 'empty' || target.status === 'external') return undefined;
    if (target.status !== 'resolved' || target.target === undefined) return this.box(meta, 'missing', missingReason(target, link));
    const rel = target.target;
    if (isNotePath(rel)) return this.renderNoteEmbed(ctx, meta, target, rel, options, env, self);
    let alt = self.renderInlineAsText(token.children ?? [], options, env);
    const sized = /\|\s*(\d+(?:\s*x\s*\d+)?)\s*$/.exec(alt);
    const size = sized ? imageSize(sized[1]) : undefined;
    if (sized) alt = alt.slice(0, sized.index);
    const title = token.attrGet('title');
    return this.renderFileEmbed(ctx, meta, rel, alt, size, typeof title === 'string' ? title : undefined, options, env, self);
  }

  private renderFileEmbed(
    ctx: Context,
    meta: LinkMeta,
    rel: string,
    alt: string,
    size: ImageSize | undefined,
    title: string | undefined,
    options: RenderOptions,
    env: Env,
    self: Renderer,
  ): string {
    const esc = this.md.utils.escapeHtml;
    // Attachments are not read here, but the webview would load them: the same containment rule applies.
    const located = ctx.root.vault.locate(rel);
    if ('failure' in located) return this.box(meta, 'missing', failureReason(located.failure, meta.link));
    const abs = ctx.root.vault.absolute(rel);
    const src = this.options.resourceUri(abs, ctx.root.topDoc);
    const kind = fileKind(rel);
    if (kind === 'image') return this.image(src, alt, size, title, options, env, self);
    if (kind === 'pdf') {
      const sub = meta.link.subpath?.trim() ?? '';
      const page = /(?:^|&)page=(\d+)/.exec(sub)?.[1];
      const height = /(?:^|&)height=(\d+)/.exec(sub)?.[1];
      const frame = sub ? `${src}#${encodeURI(sub)}` : src;
      const label = page ? l10n.t('{0}, page {1}', basename(rel), page) : basename(rel);
      const href = this.options.toHref(abs, page ? `page=${page}` : undefined, ctx.root.topDoc);
      // The frame shows the document where the host allows frames; the link opens it everywhere.
      const showFrame = this.options.pdfFrames?.() ?? true;
      return (
        `${this.open('div', 'ospo-embed ospo-embed-pdf', meta)}\n` +
        (showFrame ? `<iframe class="ospo-embed-pdf-frame" src="${esc(frame)}" title="${esc(basename(rel))}"${height ? ` height="${height}"` : ''}></iframe>\n` : '') +
        `<div class="ospo-embed-title"><a class="ospo-embed-link" href="${esc(href)}">${esc(label)}</a></div>\n</div>\n`
      );
    }
    if (kind === 'audio') return `<audio class="ospo-embed-audio" controls src="${esc(src)}" title="${esc(basename(rel))}"></audio>`;
    if (kind === 'video') return `<video class="ospo-embed-video" controls src="${esc(src)}" title="${esc(basename(rel))}"></video>`;
    const link = `<a class="ospo-embed-file" href="${esc(this.options.toHref(abs, undefined, ctx.root.topDoc))}">${esc(basename(rel))}</a>`;
    return meta.wrapper ? `${this.open('p', '', meta)}${link}</p>\n` : link;
  }

  /** Images go through the host's image rule, so that VS Code tracks them as it tracks any preview image. */
  private image(src: string, alt: string, size: ImageSize | undefined, title: string | undefined, options: RenderOptions, env: Env, self: Renderer): string {
    // The host's own Token class (markdown-it versions differ); a core state carries it.
    const TokenClass = new this.md.core.State('', this.md, {}).Token;
    const token = new TokenClass('image', 'img', 0);
    token.attrs = [['src', src], ['alt', '']];
    const text = new TokenClass('text', '', 0);
    text.content = alt;
    token.children = [text];
    token.content = alt;
    token.attrJoin('class', 'ospo-embed-image');
    if (size?.width) token.attrSet('width', size.width);
    if (size?.height) token.attrSet('height', size.height);
    if (title) token.attrSet('title', title);
    const rule = self.rules.image;
    return rule ? rule([token], 0, options, env, self) : self.renderToken([token], 0, options);
  }

  private renderNoteEmbed(ctx: Context, meta: LinkMeta, target: LinkTarget, rel: string, options: RenderOptions, env: Env, self: Renderer): string {
    const esc = this.md.utils.escapeHtml;
    const heading = target.heading;
    const block = target.block;
    const part = heading ? `h${heading.line}` : block ? `b${block.startLine}-${block.endLine}` : '';
    const key = `${rel}#${part}`;
    const name = stem(rel);

    // A part of a note may embed another part of the same note; only the same part again is a cycle.
    if (ctx.chain.some((c) => c.key === key)) {
      const chain = [...ctx.chain.map((c) => c.name), name].join(' \u2192 ');
      return this.box(meta, 'cycle', l10n.t('Embed cycle: {0}', chain));
    }
    if (ctx.depth + 1 > ctx.root.maxDepth) {
      const open = `<a class="ospo-embed-link" href="${esc(this.href(ctx, rel, heading, block))}">${esc(name)}</a>`;
      return this.box(meta, 'limit', l10n.t('Not embedded: embeds nest deeper than {0} levels.', ctx.root.maxDepth), ` ${open}`);
    }
    const budget = ctx.root.budget;
    if (budget.embeds >= budget.maxEmbeds) budget.exhausted ??= 'embeds';
    else if (budget.bytes >= budget.maxBytes) budget.exhausted ??= 'bytes';
    if (budget.exhausted) {
      budget.omitted++;
      const open = `<a class="ospo-embed-link" href="${esc(this.href(ctx, rel, heading, block))}">${esc(name)}</a>`;
      return this.box(meta, 'omitted', l10n.t('Not embedded (preview budget):'), ` ${open}`);
    }
    budget.embeds++;
    const bytesBefore = budget.bytes;
    const loaded = this.load(ctx.root, rel);
    if ('failure' in loaded) return this.box(meta, 'missing', failureReason(loaded.failure, meta.link));
    const entry = loaded.entry;
    if (entry.problems.length > 0) return this.box(meta, 'missing', l10n.t('Cannot embed \u201C{0}\u201D: {1}', embedName(meta.link), entry.problems[0].message));
    const withheld = this.privateBox(ctx, meta, entry.model, rel, heading, block);
    if (withheld !== undefined) return withheld;

    const model = entry.model;
    let first: number;
    let last: number;
    if (heading) {
      first = heading.line;
      last = heading.sectionEndLine;
    } else if (block) {
      first = block.startLine;
      last = block.endLine;
    } else {
      first = model.frontmatter ? model.frontmatter.range.end.line + 1 : 0;
      last = entry.lines.length - 1;
    }
    const tokens = this.sliceTokens(entry, first, last);
    const child: Context = {
      root: ctx.root,
      docRel: rel,
      docModel: model,
      chain: [...ctx.chain, { key, name }],
      depth: ctx.depth + 1,
    };
    const childEnv: Env = { ...env };
    this.contexts.set(childEnv, child);
    // The renderer's own `render` method, not whatever a plugin installed on the instance: such wrappers (the
    // Mermaid extension's adds a marker element) post-process the whole page once, embeds included.
    const renderTokens = (Object.getPrototypeOf(this.md.renderer) as Renderer).render;
    const inner = renderTokens.call(this.md.renderer, tokens, options, childEnv);

    const alias = meta.link.display?.trim();
    const title = alias ? alias : heading ? `${name} > ${heading.text}` : name;
    const href = this.href(ctx, rel, heading, block);
    const html =
      `${this.open('div', 'ospo-embed ospo-embed-note', meta, ` data-embed-path="${esc(rel)}"`)}\n` +
      `<div class="ospo-embed-title"><a class="ospo-embed-link" href="${esc(href)}">${esc(title)}</a></div>\n` +
      `<div class="ospo-embed-content">\n${inner}</div>\n</div>\n`;
    // This embed's output contains its nested embeds, which counted themselves meanwhile: count the whole once.
    budget.bytes = bytesBefore + html.length;
    return html;
  }

  /**
   * In the preview of a public note, an embedded private note (at any depth) is a box naming it, not its text:
   * the page shows what publishing it would show, and the diagnostics' `private-link` says why.
   */
  private privateBox(ctx: Context, meta: LinkMeta, model: NoteModel, rel: string, heading: Heading | undefined, block: BlockId | undefined): string | undefined {
    const top = ctx.root.topInfo?.model;
    const fallback = this.options.defaultVisibility?.();
    if (!top || noteVisibility(top, fallback) !== 'public' || noteVisibility(model, fallback) !== 'private') return undefined;
    const esc = this.md.utils.escapeHtml;
    const open = `<a class="ospo-embed-link" href="${esc(this.href(ctx, rel, heading, block))}">${esc(stem(rel))}</a>`;
    return this.box(meta, 'private', l10n.t('Private note, not shown in a public note:'), ` ${open}`);
  }

  /** The box at the end of the previewed document saying how many embeds the budget left out, and why. */
  private renderBudgetSummary(env: Env | undefined): string {
    const ctx = env ? this.contexts.get(env) : undefined;
    if (!ctx || ctx.depth !== 0 || ctx.root.budget.omitted === 0) return '';
    const b = ctx.root.budget;
    const esc = this.md.utils.escapeHtml;
    const count = b.omitted === 1 ? l10n.t('1 embed was not shown') : l10n.t('{0} embeds were not shown', b.omitted.toLocaleString('en-US'));
    const why =
      b.exhausted === 'bytes'
        ? l10n.t('the embedded notes already make {0} of the page, past the limit of {1} (setting ospoNotes.preview.maxEmbedKilobytes)', formatSize(b.bytes), formatSize(b.maxBytes))
        : b.maxEmbeds === 1
          ? l10n.t('the page already shows {0} embedded note, the limit (setting ospoNotes.preview.maxEmbeds)', b.maxEmbeds.toLocaleString('en-US'))
          : l10n.t('the page already shows {0} embedded notes, the limit (setting ospoNotes.preview.maxEmbeds)', b.maxEmbeds.toLocaleString('en-US'));
    return (
      `<div class="ospo-embed ospo-embed-budget" role="note"><span class="ospo-embed-reason">${esc(l10n.t('{0}: {1}.', count, why))}</span>` +
      ` <span class="ospo-embed-budget-hint">${esc(l10n.t('They appear as links marked \u201Cnot embedded\u201D; open a note to see its embeds.'))}</span></div>\n`
    );
  }

  /**
   * Tokens of lines `first..last` of a note, parsed once per note version. What the reading view hides is cut
   * using the whole note's model (a comment may open before the slice), the slice is dedented (a list item nested
   * four spaces deep would otherwise read as code), and it is parsed with raw HTML off: a slice can cut an HTML
   * block in two, and an unclosed tag from an embedded note would swallow the rest of the page.
   */
  private sliceTokens(entry: NoteEntry, first: number, last: number): Token[] {
    const sliceKey = `slice:${first}:${last}`;
    const known = entry.derived.get(sliceKey) as Token[] | undefined;
    if (known) return known;
    const visible = cutRanges(entry.lines, hiddenRanges(entry.model, entry.lines, true));
    const text = dedent(visible.slice(first, last + 1)).join('\n');
    const md = this.md;
    const html = md.options.html;
    md.options.html = false;
    let tokens: Token[];
    try {
      tokens = md.parse(text, { [EMBED_PARSE]: true });
    } finally {
      md.options.html = html;
    }
    forEachToken(tokens, (t) => {
      // Line data would point the host's scroll sync at lines of the embedding note that this is not.
      t.map = null;
      if (t.attrs) {
        t.attrs = t.attrs.filter(([name]) => name !== 'data-line');
        const cls = t.attrGet('class');
        if (cls !== null && String(cls).split(/\s+/).includes('code-line')) {
          const rest = String(cls).split(/\s+/).filter((c) => c !== 'code-line' && c !== '').join(' ');
          t.attrs = t.attrs.filter(([name]) => name !== 'class');
          if (rest) t.attrSet('class', rest);
        }
      }
      if (t.type === 'heading_open') t.type = EMBED_HEADING_OPEN;
      else if (t.type === 'heading_close') t.type = EMBED_HEADING_CLOSE;
    });
    this.stats.slicesParsed++;
    entry.derived.set(sliceKey, tokens);
    return tokens;
  }

  /** A visible box in place of an embed that cannot be shown, saying why. */
  private box(meta: LinkMeta, kind: 'missing' | 'cycle' | 'limit' | 'omitted' | 'private', reason: string, extra = ''): string {
    const esc = this.md.utils.escapeHtml;
    const tag = meta.layout === 'block' ? 'div' : 'span';
    const html = `${this.open(tag, `ospo-embed ospo-embed-${kind}`, meta, ' role="note"')}<span class="ospo-embed-reason">${esc(reason)}</span>${extra}</${tag}>`;
    return tag === 'div' ? `${html}\n` : html;
  }

  /** An opening tag that also carries the attributes (line data) of the paragraph the embed replaced. */
  private open(tag: string, classes: string, meta: LinkMeta, extra = ''): string {
    const esc = this.md.utils.escapeHtml;
    let cls = classes;
    let attrs = '';
    for (const [name, value] of meta.wrapper?.attrs ?? []) {
      if (name === 'class') cls += ` ${value}`;
      else attrs += ` ${esc(name)}="${esc(String(value))}"`;
    }
    cls = cls.trim();
    return `<${tag}${cls ? ` class="${esc(cls)}"` : ''}${attrs}${extra}>`;
  }
}

const EMBED_HEADING_OPEN = 'ospo_embed_heading_open';
const T_BUDGET = 'ospo_embed_budget';
const EMBED_HEADING_CLOSE = 'ospo_embed_heading_close';

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** The previewed document's path from markdown-it's `env`: VS Code passes a `Uri`; tests and other hosts a path. */
function documentPath(env: Env | undefined): string | undefined {
  const doc = env?.currentDocument as unknown;
  let p: string | undefined;
  if (typeof doc === 'string') {
    p = doc.startsWith('file:') ? safeFileUrlPath(doc) : doc;
  } else if (doc && typeof doc === 'object') {
    const uri = doc as { fsPath?: unknown; scheme?: unknown };
    if (uri.scheme !== undefined && uri.scheme !== 'file') return undefined;
    if (typeof uri.fsPath === 'string') p = uri.fsPath;
  }
  return p && path.isAbsolute(p) ? path.resolve(p) : undefined;
}

function safeFileUrlPath(url: string): string | undefined {
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}

/**
 * What Obsidian shows for a link without alias: the link text, with ` > ` between the note and each heading or
 * block of the subpath (`OpenSource > Organisations`, `#Heading` alone as `Heading`). An empty alias stays empty.
 */
function displayText(link: Link): string {
  if (link.display !== undefined) return link.display;
  const parts = [link.path, ...(link.subpath ?? '').split('#')].map((s) => s.trim()).filter((s) => s !== '');
  return parts.join(' > ');
}

/** The link target as written, for messages: `WHO#OSPO`, `ospo_infographic.pdf`. */
function embedName(link: Link): string {
  return link.subpath === undefined ? link.path : `${link.path}#${link.subpath}`;
}

function missingReason(target: LinkTarget, link: Link): string {
  const name = embedName(link);
  const note = target.target ? stem(target.target) : link.path;
  switch (target.status) {
    case 'missing-heading':
      return l10n.t('No heading \u201C{0}\u201D in {1}.', target.failedSegment ?? link.subpath ?? '', note);
    case 'missing-block':
      return l10n.t('No block ^{0} in {1}.', (link.subpath ?? '').replace(/^[\s#]*\^/, '').trim(), note);
    case 'outside-vault':
      return l10n.t('\u201C{0}\u201D is outside the vault.', name);
    default:
      return l10n.t('\u201C{0}\u201D is not in the vault.', name);
  }
}

function failureReason(failure: LoadFailure, link: Link): string {
  const name = embedName(link);
  switch (failure) {
    case 'outside-vault':
      return l10n.t('\u201C{0}\u201D leads outside the vault (a link or symlink); it is not read.', name);
    case 'missing':
      return l10n.t('\u201C{0}\u201D is not on disk.', name);
    case 'unreadable':
      return l10n.t('\u201C{0}\u201D cannot be read.', name);
  }
}

/** `1.5 MB`, `340 KB`: sizes in the budget summary (1 KB = 1,024 characters of HTML). */
function formatSize(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

interface ImageSize {
  width?: string;
  height?: string;
}

/** `100` (width) or `100x145` (width × height) in an embed's alias slot (R5.2). */
function imageSize(text: string): ImageSize | undefined {
  const m = /^\s*(\d+)\s*(?:x\s*(\d+)\s*)?$/.exec(text);
  return m ? { width: m[1], height: m[2] } : undefined;
}

/** Removes the first line's indentation from every line (tabs count to the next multiple of four columns). */
function dedent(lines: string[]): string[] {
  const first = lines[0] ?? '';
  const width = columns(first.slice(0, first.length - first.trimStart().length));
  if (width === 0) return lines;
  return lines.map((line) => {
    let col = 0;
    let i = 0;
    while (i < line.length && col < width && (line[i] === ' ' || line[i] === '\t')) {
      col = line[i] === '\t' ? col + 4 - (col % 4) : col + 1;
      i++;
    }
    // A tab that reached past the cut leaves its remainder as spaces.
    return ' '.repeat(Math.max(0, col - width)) + line.slice(i);
  });
}

function columns(indent: string): number {
  let col = 0;
  for (const ch of indent) col = ch === '\t' ? col + 4 - (col % 4) : col + 1;
  return col;
}

/** The text of a token as VS Code reads a heading's title: text, emoji and code, through children. */
function plainText(token: Token): string {
  if (token.children) return token.children.map(plainText).join('');
  return token.type === 'text' || token.type === 'emoji' || token.type === 'code_inline' ? token.content : '';
}

/** VS Code's heading slug: GitHub's (lower case, only letters, marks, digits, `_`, `-` and spaces kept, spaces to `-`). */
function headingSlugOf(text: string): string {
  return githubSlug(text.trim());
}

function forEachToken(tokens: readonly Token[], fn: (t: Token) => void): void {
  for (const t of tokens) {
    fn(t);
    if (t.children) forEachToken(t.children, fn);
  }
}
